import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../components/ErrorNote';
import { ConfirmDialog } from '../ConfirmDialog';
import { useAppActions, useInstalledApps, type InstalledApp } from './api';

/** The apps installed in this workspace (here or through OAuth), with the scopes granted; uninstall ends their tokens. */
export function InstalledApps({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const installs = useInstalledApps(workspaceId);
  const { uninstall } = useAppActions(workspaceId);
  const [removing, setRemoving] = useState<InstalledApp | null>(null);
  return (
    <section className="stack" aria-labelledby="installed-apps">
      <h2 id="installed-apps">{t('admin.apps.installed')}</h2>
      {installs.data?.length === 0 && <p className="muted">{t('admin.apps.noneInstalled')}</p>}
      {installs.data && installs.data.length > 0 && (
        <table className="admin-table">
          <caption className="visually-hidden">{t('admin.apps.installed')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.apps.name')}</th>
              <th scope="col">{t('admin.apps.granted')}</th>
              <th scope="col">{t('admin.apps.installedOn')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {installs.data.map((install) => (
              <tr key={install.id}>
                <td>{install.appName}</td>
                <td>{install.scopes.join(', ')}</td>
                <td>{new Date(install.createdAt).toLocaleDateString()}</td>
                <td className="admin-row-actions">
                  <button type="button" className="button small" onClick={() => setRemoving(install)}>
                    {t('admin.apps.uninstall')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorNote error={installs.error} />
      <ConfirmDialog
        open={removing !== null}
        title={t('admin.apps.uninstallTitle', { name: removing?.appName })}
        explanation={t('admin.apps.uninstallExplain')}
        actionLabel={t('admin.apps.uninstall')}
        onConfirm={() => removing && uninstall.mutate(removing.appId, { onSuccess: () => setRemoving(null) })}
        onClose={() => {
          setRemoving(null);
          uninstall.reset();
        }}
        error={uninstall.error}
        pending={uninstall.isPending}
      />
    </section>
  );
}
