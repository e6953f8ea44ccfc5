import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, NavLink, useParams } from 'react-router';
import { useWorkspaces } from '../workspaces/api';
import { mayAdminister } from './roles';
import { sectionsFor } from './sections';

/** The workspace's admin console: its sections beside the open one. Owners and admins only. */
export function AdminConsole() {
  const { t } = useTranslation();
  const { workspaceId = '', section } = useParams();
  const workspaces = useWorkspaces();
  if (workspaces.isPending) return <p className="muted center">{t('app.loading')}</p>;
  const workspace = workspaces.data?.find((candidate) => candidate.id === workspaceId);
  if (!workspace || !mayAdminister(workspace.role)) return <Navigate to={`/w/${workspaceId}`} replace />;
  const sections = sectionsFor(workspace.role);
  const open = sections.find((candidate) => candidate.id === section);
  if (!open) return <Navigate to={`/w/${workspaceId}/admin/${sections[0]!.id}`} replace />;
  return (
    <>
      <nav className="sidebar admin-nav" aria-label={t('admin.title')}>
        <header className="sidebar-header">
          <h2>{t('admin.title')}</h2>
        </header>
        <ul>
          {sections.map((candidate) => (
            <li key={candidate.id}>
              <NavLink to={`/w/${workspaceId}/admin/${candidate.id}`} className="sidebar-link">
                {t(candidate.label)}
              </NavLink>
            </li>
          ))}
        </ul>
        <Link to={`/w/${workspaceId}`} className="sidebar-action">
          ← {t('admin.backToChat', { workspace: workspace.name })}
        </Link>
      </nav>
      <main className="main admin-main" id="main">
        <h1 className="admin-heading">{t(open.label)}</h1>
        <Suspense fallback={<p className="muted">{t('app.loading')}</p>}>
          <open.Component workspace={workspace} />
        </Suspense>
      </main>
    </>
  );
}
