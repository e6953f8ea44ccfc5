import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyFailedNote } from '../../../components/CopyFailedNote';
import { ErrorNote } from '../../../components/ErrorNote';
import { useClipboard } from '../../../lib/clipboard';
import { useCreateInvite, useOpenInvites, useRevokeInvite } from '../api';
import type { AdminSectionProps } from '../sections';

/** Lifetimes an invite link may be given, in hours (the server allows up to 30 days). */
const LIFETIMES = [24, 7 * 24, 30 * 24] as const;
type InviteRole = 'admin' | 'member' | 'guest';

/** Invite links: made with a role, a lifetime and a number of uses, shown once; the open ones, revocable. */
export function InvitesPanel({ workspace }: AdminSectionProps) {
  const { t } = useTranslation();
  const invites = useOpenInvites(workspace.id);
  const create = useCreateInvite(workspace.id);
  const revoke = useRevokeInvite(workspace.id);
  const [role, setRole] = useState<InviteRole>('member');
  const [hours, setHours] = useState<number>(LIFETIMES[1]);
  const [uses, setUses] = useState(1);
  const clipboard = useClipboard();
  const input = useRef<HTMLInputElement>(null);
  const link = create.data && new URL(`/invite/${create.data.code}`, window.location.origin).href;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    clipboard.reset();
    create.mutate({ role, expiresInHours: hours, maxUses: uses });
  };
  return (
    <section className="stack admin-panel" aria-labelledby="invites-heading">
      <h2 id="invites-heading">{t('admin.invites.title')}</h2>
      <form className="admin-inline-form" onSubmit={submit}>
        <label>
          {t('admin.invites.role')}
          <select value={role} onChange={(event) => setRole(event.target.value as InviteRole)}>
            {(['member', 'guest', ...(workspace.role === 'owner' ? ['admin' as const] : [])] as const).map(
              (option) => (
                <option key={option} value={option}>
                  {t(`admin.roles.${option}`)}
                </option>
              ),
            )}
          </select>
        </label>
        <label>
          {t('admin.invites.expiresIn')}
          <select value={hours} onChange={(event) => setHours(Number(event.target.value))}>
            {LIFETIMES.map((option) => (
              <option key={option} value={option}>
                {t('admin.invites.days', { count: option / 24 })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.invites.uses')}
          <input
            type="number"
            min={1}
            max={1000}
            required
            value={uses}
            onChange={(event) => setUses(Number(event.target.value))}
          />
        </label>
        <button type="submit" className="button primary" disabled={create.isPending}>
          {t('admin.invites.create')}
        </button>
      </form>
      <ErrorNote error={create.error ?? revoke.error} />
      {link && (
        <div className="admin-inline-form">
          <label className="grow">
            {t('admin.invites.newLink')}
            <input ref={input} readOnly value={link} className="invite-link" />
          </label>
          <button type="button" className="button" onClick={() => clipboard.copy(link)}>
            {clipboard.state === 'copied' ? t('workspaces.copied') : t('workspaces.copy')}
          </button>
        </div>
      )}
      {link && clipboard.state === 'failed' && <CopyFailedNote selects={input} />}
      {invites.data && invites.data.length === 0 && <p className="muted">{t('admin.invites.none')}</p>}
      {invites.data && invites.data.length > 0 && (
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">{t('admin.invites.role')}</th>
              <th scope="col">{t('admin.invites.used')}</th>
              <th scope="col">{t('admin.invites.expires')}</th>
              <th scope="col">{t('admin.invites.created')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.members.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invites.data.map((invite) => (
              <tr key={invite.id}>
                <td>{t(`admin.roles.${invite.role}`)}</td>
                <td>{t('admin.invites.usedOf', { uses: invite.uses, maxUses: invite.maxUses })}</td>
                <td>{new Date(invite.expiresAt).toLocaleString()}</td>
                <td>{new Date(invite.createdAt).toLocaleString()}</td>
                <td>
                  <button
                    type="button"
                    className="button small"
                    disabled={revoke.isPending}
                    onClick={() => revoke.mutate(invite.id)}
                  >
                    {t('admin.invites.revoke')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
