import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../../../components/Avatar';
import { Dialog } from '../../../components/Dialog';
import { ErrorNote } from '../../../components/ErrorNote';
import type { Member } from '../../../lib/api/client';
import { session } from '../../../lib/session';
import { useMembers } from '../../workspaces/api';
import { useChangeRole, useRemoveMember } from '../api';
import type { AdminSectionProps } from '../sections';
import '../admin-sections.css';
import { InvitesPanel } from './InvitesPanel';

const ROLES = ['owner', 'admin', 'member', 'guest'] as const;
const privileged = (role: string) => role === 'owner' || role === 'admin';

/** The workspace's people: their roles (changed in place), removal (confirmed), and its invite links. */
export function MembersSection({ workspace }: AdminSectionProps) {
  const { t } = useTranslation();
  const members = useMembers(workspace.id);
  const changeRole = useChangeRole(workspace.id);
  const remove = useRemoveMember(workspace.id);
  const [removing, setRemoving] = useState<Member>();
  const selfId = session.get()?.user.id;
  // Only owners grant or take the admin and owner roles (the server checks again).
  const mayChange = (member: Member) =>
    !member.isBot && (workspace.role === 'owner' || !privileged(member.role));
  if (!members.data) return <p className="muted">{t('app.loading')}</p>;
  return (
    <div className="stack">
      <ErrorNote error={changeRole.error} />
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">{t('admin.members.name')}</th>
            <th scope="col">{t('admin.members.role')}</th>
            <th scope="col">{t('admin.members.joined')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('admin.members.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {[...members.data.values()].map((member) => (
            <tr key={member.userId}>
              <td>
                <span className="admin-person">
                  <Avatar userId={member.userId} name={member.displayName} url={member.avatarUrl} />
                  {member.displayName}
                  {member.isBot && <span className="tag">{t('admin.members.bot')}</span>}
                </span>
              </td>
              <td>
                {mayChange(member) ? (
                  <select
                    aria-label={t('admin.members.roleOf', { name: member.displayName })}
                    value={member.role}
                    disabled={changeRole.isPending}
                    onChange={(event) =>
                      changeRole.mutate({
                        userId: member.userId,
                        role: event.target.value as Member['role'],
                      })
                    }
                  >
                    {ROLES.filter((role) => workspace.role === 'owner' || !privileged(role)).map((role) => (
                      <option key={role} value={role}>
                        {t(`admin.roles.${role}`)}
                      </option>
                    ))}
                  </select>
                ) : (
                  t(`admin.roles.${member.role}`)
                )}
              </td>
              <td>{new Date(member.joinedAt).toLocaleDateString()}</td>
              <td>
                {!member.isBot && member.userId !== selfId && mayChange(member) && (
                  <button
                    type="button"
                    className="button small"
                    aria-label={t('admin.members.removeWho', { name: member.displayName })}
                    onClick={() => {
                      remove.reset();
                      setRemoving(member);
                    }}
                  >
                    {t('admin.members.remove')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Dialog
        title={t('admin.members.removeTitle', { name: removing?.displayName ?? '' })}
        open={!!removing}
        onClose={() => setRemoving(undefined)}
      >
        <div className="stack">
          <p>{t('admin.members.removeExplained', { workspace: workspace.name })}</p>
          <ErrorNote error={remove.error} />
          <div className="actions">
            <button type="button" className="button" onClick={() => setRemoving(undefined)}>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="button primary"
              disabled={remove.isPending}
              onClick={() =>
                removing && remove.mutate(removing.userId, { onSuccess: () => setRemoving(undefined) })
              }
            >
              {t('admin.members.remove')}
            </button>
          </div>
        </div>
      </Dialog>
      <InvitesPanel workspace={workspace} />
    </div>
  );
}
