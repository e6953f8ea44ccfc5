import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { CreateWorkspaceDialog } from '../features/workspaces/CreateWorkspaceDialog';
import { useWorkspaces } from '../features/workspaces/api';

/** `/`: the first workspace, or, for someone in none yet, how to get one. */
export function HomeScreen() {
  const { t } = useTranslation();
  const workspaces = useWorkspaces();
  const [creating, setCreating] = useState(false);
  if (workspaces.isPending) return <p className="muted center">{t('app.loading')}</p>;
  const first = workspaces.data?.[0];
  if (first) return <Navigate to={`/w/${first.id}`} replace />;
  return (
    <main className="main empty-state home-screen" id="main">
      <h1>{t('app.name')}</h1>
      <p>{t('workspaces.empty')}</p>
      <p>{t('workspaces.emptyHint')}</p>
      <button type="button" className="button primary" onClick={() => setCreating(true)}>
        {t('workspaces.create')}
      </button>
      <CreateWorkspaceDialog open={creating} onClose={() => setCreating(false)} />
    </main>
  );
}
