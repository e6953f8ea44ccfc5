import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { useWorkspaces } from './api';
import { CreateWorkspaceDialog } from './CreateWorkspaceDialog';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((word) => word.charAt(0))
    .join('')
    .slice(0, 2)
    .toUpperCase();
}

/** The narrow column of the person's workspaces, to switch between them. */
export function WorkspaceRail() {
  const { t } = useTranslation();
  const workspaces = useWorkspaces();
  const [creating, setCreating] = useState(false);
  return (
    <nav className="rail" aria-label={t('workspaces.label')}>
      <ul>
        {workspaces.data?.map((workspace) => (
          <li key={workspace.id}>
            <NavLink
              to={`/w/${workspace.id}`}
              className="rail-item"
              aria-label={workspace.name}
              title={workspace.name}
            >
              {initials(workspace.name)}
            </NavLink>
          </li>
        ))}
        <li>
          <button
            type="button"
            className="rail-item add"
            aria-label={t('workspaces.create')}
            title={t('workspaces.create')}
            onClick={() => setCreating(true)}
          >
            +
          </button>
        </li>
      </ul>
      <CreateWorkspaceDialog open={creating} onClose={() => setCreating(false)} />
    </nav>
  );
}
