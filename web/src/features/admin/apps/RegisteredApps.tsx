import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../components/ErrorNote';
import { AdminTable } from '../AdminTable';
import { ConfirmDialog } from '../ConfirmDialog';
import { text, texts, lines } from '../form-fields';
import { EventChoices, type EventName } from '../EventChoices';
import { SecretDialog, type Secret } from '../SecretDialog';
import { useAppActions, useApps, useInstalledApps, type App, type NewApp, type Scope } from './api';
import { ScopeChoices } from './ScopeChoices';

/** `/command https://url description…`, one a line; the server names what it refuses. */
function parseCommands(fields: FormData): NonNullable<NewApp['commands']> {
  return lines(fields, 'commands').map((line) => {
    const [command = '', url = '', ...description] = line.split(/\s+/);
    return { command, url, description: description.join(' ') };
  });
}

/**
 * Apps registered in this workspace: register one (its client secret shows once), install it here (its bot
 * token shows once), delete it.
 */
export function RegisteredApps({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const apps = useApps(workspaceId);
  const installs = useInstalledApps(workspaceId);
  const actions = useAppActions(workspaceId);
  const [shown, setShown] = useState<{ title: string; secrets: Secret[] } | null>(null);
  const [removing, setRemoving] = useState<App | null>(null);
  const installed = (appId: string) => installs.data?.some((install) => install.appId === appId);

  const register = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const fields = new FormData(form);
    const eventsUrl = text(fields, 'eventsUrl');
    const commands = parseCommands(fields);
    actions.register.mutate(
      {
        name: text(fields, 'name'),
        redirectUris: lines(fields, 'redirectUris'),
        scopes: texts(fields, 'scopes') as Scope[],
        ...(commands.length > 0 ? { commands } : {}),
        ...(eventsUrl ? { eventsUrl, events: texts(fields, 'events') as EventName[] } : {}),
      },
      {
        onSuccess: (app) => {
          form.reset();
          setShown({
            title: t('admin.apps.registeredTitle', { name: app.name }),
            secrets: [
              { label: t('admin.apps.clientId'), value: app.clientId },
              { label: t('admin.apps.clientSecret'), value: app.clientSecret },
              { label: t('admin.apps.signingSecret'), value: app.signingSecret },
            ],
          });
        },
      },
    );
  };
  const install = (app: App) =>
    actions.install.mutate(app.id, {
      onSuccess: (done) =>
        setShown({
          title: t('admin.apps.installedTitle', { name: app.name }),
          secrets: [{ label: t('admin.apps.botToken'), value: done.token }],
        }),
    });

  return (
    <section className="stack" aria-labelledby="registered-apps">
      <h2 id="registered-apps">{t('admin.apps.registered')}</h2>
      <form className="stack card" onSubmit={register} aria-labelledby="register-app">
        <h3 id="register-app">{t('admin.apps.register')}</h3>
        <label>
          {t('admin.apps.name')}
          <input name="name" required maxLength={80} />
        </label>
        <label>
          {t('admin.apps.redirectUris')}
          <textarea name="redirectUris" required rows={2} placeholder="https://example.com/oauth/callback" />
        </label>
        <ScopeChoices legend={t('admin.apps.scopes')} checked={['chat:write']} />
        <label>
          {t('admin.apps.commands')}
          <textarea
            name="commands"
            rows={2}
            placeholder="/deploy https://example.com/commands Deploy a branch"
            aria-describedby="app-commands-hint"
          />
        </label>
        <p id="app-commands-hint" className="muted">
          {t('admin.apps.commandsHint')}
        </p>
        <label>
          {t('admin.apps.eventsUrl')}
          <input name="eventsUrl" type="url" placeholder="https://example.com/events" />
        </label>
        <EventChoices legend={t('admin.apps.events')} />
        <ErrorNote error={actions.register.error} />
        <div className="actions">
          <button type="submit" className="button primary" disabled={actions.register.isPending}>
            {t('admin.apps.register')}
          </button>
        </div>
      </form>
      <AdminTable
        caption={t('admin.apps.registered')}
        rows={apps.data}
        rowKey={(app) => app.id}
        empty={t('admin.apps.none')}
        columns={[
          { header: t('admin.apps.name'), cell: (app) => app.name },
          { header: t('admin.apps.clientId'), cell: (app) => <code>{app.clientId}</code> },
          { header: t('admin.apps.scopes'), cell: (app) => app.scopes.join(', ') },
        ]}
        actions={(app) => (
          <>
            {!installed(app.id) && (
              <button
                type="button"
                className="button small"
                disabled={actions.install.isPending}
                onClick={() => install(app)}
              >
                {t('admin.apps.install')}
              </button>
            )}
            <button type="button" className="button small" onClick={() => setRemoving(app)}>
              {t('admin.delete')}
            </button>
          </>
        )}
      />
      <ErrorNote error={apps.error ?? actions.install.error} />
      <SecretDialog
        title={shown?.title ?? ''}
        secrets={shown?.secrets ?? null}
        onClose={() => setShown(null)}
      />
      <ConfirmDialog
        open={removing !== null}
        title={t('admin.apps.removeTitle', { name: removing?.name })}
        explanation={t('admin.apps.removeExplain')}
        actionLabel={t('admin.delete')}
        onConfirm={() =>
          removing && actions.remove.mutate(removing.id, { onSuccess: () => setRemoving(null) })
        }
        onClose={() => {
          setRemoving(null);
          actions.remove.reset();
        }}
        error={actions.remove.error}
        pending={actions.remove.isPending}
      />
    </section>
  );
}
