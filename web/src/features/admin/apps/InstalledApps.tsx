import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../components/ErrorNote';
import { AdminTable } from '../AdminTable';
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
      <AdminTable
        caption={t('admin.apps.installed')}
        rows={installs.data}
        rowKey={(install) => install.id}
        empty={t('admin.apps.noneInstalled')}
        columns={[
          { header: t('admin.apps.name'), cell: (install) => install.appName },
          { header: t('admin.apps.granted'), cell: (install) => install.scopes.join(', ') },
          {
            header: t('admin.apps.installedOn'),
            cell: (install) => new Date(install.createdAt).toLocaleDateString(),
          },
        ]}
        actions={(install) => (
          <button type="button" className="button small" onClick={() => setRemoving(install)}>
            {t('admin.apps.uninstall')}
          </button>
        )}
      />
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
