import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../components/ErrorNote';
import { ApiError } from '../../../lib/api/client';
import { useSaveInstall, type CatalogueItem, type PluginInstall } from '../api';
import { InvocationLog } from './InvocationLog';
import { PermissionReview } from './PermissionReview';

// rjsf and its validator are the console's biggest part: loaded when a form is opened.
const SettingsForm = lazy(() =>
  import('./SettingsForm').then((module) => ({ default: module.SettingsForm })),
);

/**
 * One plugin in the workspace: its permissions reviewed first; then installing it through its settings form,
 * or, once installed, its state (enable, disable, why the platform disabled it), configuration and log.
 */
export function PluginDetail({
  workspaceId,
  plugin,
  install,
}: {
  workspaceId: string;
  plugin: CatalogueItem;
  install: PluginInstall | undefined;
}) {
  const { t } = useTranslation();
  const save = useSaveInstall(workspaceId, plugin.id);
  const toggle = useSaveInstall(workspaceId, plugin.id);
  const [reviewed, setReviewed] = useState(false);
  const fieldErrors = save.error instanceof ApiError ? save.error.fields : [];
  const unplacedErrors = fieldErrors.filter(
    (field) => !field.path.startsWith('settings/') && !field.path.startsWith('allowedHosts'),
  );
  const form = (
    <Suspense fallback={<p className="muted">{t('app.loading')}</p>}>
      <SettingsForm
        key={install?.updatedAt ?? 'new'}
        settingsSchema={plugin.settingsSchema}
        settings={install?.settings ?? {}}
        secretsSet={install?.secretsSet ?? []}
        allowedHosts={install?.allowedHosts ?? []}
        mayCallHosts={!!plugin.permissions.http}
        fieldErrors={fieldErrors}
        pending={save.isPending}
        submitLabel={install ? t('admin.plugins.save') : t('admin.plugins.installEnable')}
        onSubmit={(configuration) => save.mutate({ enabled: install?.enabled ?? true, ...configuration })}
      />
    </Suspense>
  );
  return (
    <article className="stack" aria-labelledby="plugin-heading">
      <header>
        <h2 id="plugin-heading">
          {plugin.name} <span className="muted">{plugin.version}</span>
        </h2>
        <p>{plugin.description}</p>
      </header>
      {install && (
        <section className="admin-panel stack" aria-labelledby="state-heading">
          <h2 id="state-heading">{t('admin.plugins.state')}</h2>
          <p role="status">
            {install.enabled ? t('admin.plugins.enabled') : t('admin.plugins.disabled')}
            {install.version !== plugin.version &&
              ` · ${t('admin.plugins.installedVersion', { version: install.version })}`}
          </p>
          {install.disabledReason && (
            <p className="error">{t('admin.plugins.disabledReason', { reason: install.disabledReason })}</p>
          )}
          <div className="actions start">
            <button
              type="button"
              className="button"
              disabled={toggle.isPending}
              onClick={() =>
                toggle.mutate({
                  enabled: !install.enabled,
                  settings: install.settings,
                  allowedHosts: install.allowedHosts,
                })
              }
            >
              {install.enabled ? t('admin.plugins.disable') : t('admin.plugins.enable')}
            </button>
          </div>
          <ErrorNote error={toggle.error} />
        </section>
      )}
      <PermissionReview plugin={plugin} extraHosts={install?.allowedHosts ?? []} />
      {!install && !reviewed && (
        <div className="actions start">
          <button type="button" className="button primary" onClick={() => setReviewed(true)}>
            {t('admin.plugins.acceptReview')}
          </button>
        </div>
      )}
      {(install || reviewed) && (
        <section className="admin-panel stack" aria-labelledby="settings-heading">
          <h2 id="settings-heading">{t('admin.plugins.settings')}</h2>
          {save.isSuccess && !save.isPending && <p role="status">{t('admin.plugins.saved')}</p>}
          {save.error && (
            <p className="error" role="alert">
              {fieldErrors.length > 0
                ? t('admin.plugins.fixFields')
                : t('common.error', { detail: save.error.message })}
            </p>
          )}
          {unplacedErrors.length > 0 && (
            <ul className="error">
              {unplacedErrors.map((field) => (
                <li key={field.path}>
                  {field.path}: {field.message}
                </li>
              ))}
            </ul>
          )}
          {form}
        </section>
      )}
      {install && <InvocationLog workspaceId={workspaceId} pluginId={plugin.id} />}
    </article>
  );
}
