import { useTranslation } from 'react-i18next';
import { Avatar } from '../../../components/Avatar';
import { useMembers } from '../../workspaces/api';
import type { AdminSectionProps } from '../sections';

/** The workspace's people, with their roles. */
export function MembersSection({ workspace }: AdminSectionProps) {
  const { t } = useTranslation();
  const members = useMembers(workspace.id);
  if (!members.data) return <p className="muted">{t('app.loading')}</p>;
  return (
    <table className="admin-table">
      <thead>
        <tr>
          <th scope="col">{t('admin.members.name')}</th>
          <th scope="col">{t('admin.members.role')}</th>
          <th scope="col">{t('admin.members.joined')}</th>
        </tr>
      </thead>
      <tbody>
        {[...members.data.values()].map((member) => (
          <tr key={member.userId}>
            <td>
              <span className="admin-person">
                <Avatar userId={member.userId} name={member.displayName} url={member.avatarUrl} />
                {member.displayName}
                {member.isBot && <span className="app-badge">{t('admin.members.bot')}</span>}
              </span>
            </td>
            <td>{t(`admin.roles.${member.role}`)}</td>
            <td>{new Date(member.joinedAt).toLocaleDateString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
