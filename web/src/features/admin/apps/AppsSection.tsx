import '../admin-forms.css';
import type { AdminSectionProps } from '../sections';
import { InstalledApps } from './InstalledApps';
import { PersonalTokens } from './PersonalTokens';
import { RegisteredApps } from './RegisteredApps';

/** The workspace's own apps (registered here), the apps installed in it, and the admin's personal tokens. */
export function AppsSection({ workspace }: AdminSectionProps) {
  return (
    <div className="admin-sections">
      <RegisteredApps workspaceId={workspace.id} />
      <InstalledApps workspaceId={workspace.id} />
      <PersonalTokens />
    </div>
  );
}
