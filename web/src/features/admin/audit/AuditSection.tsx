import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../components/ErrorNote';
import { useMembers } from '../../workspaces/api';
import type { AdminSectionProps } from '../sections';
import '../admin-sections.css';
import { actionKey, AUDIT_ACTIONS } from './actions';
import { useAuditLog, type AuditAction, type AuditEntry } from './api';

/** Who changed what in the workspace, from where: newest first, filtered by action and person. */
export function AuditSection({ workspace }: AdminSectionProps) {
  const { t } = useTranslation();
  const [action, setAction] = useState<AuditAction | ''>('');
  const [actorId, setActorId] = useState('');
  const members = useMembers(workspace.id);
  const log = useAuditLog(workspace.id, { action: action || undefined, actorId: actorId || undefined });
  const entries = log.data?.pages.flatMap((page) => page.items) ?? [];
  const people = [...(members.data?.values() ?? [])].filter((member) => !member.isBot);
  const nameOf = (userId: string) => members.data?.get(userId)?.displayName;
  const target = (entry: AuditEntry) =>
    (entry.target.kind === 'user' && nameOf(entry.target.id)) || `${entry.target.kind} ${entry.target.id}`;
  return (
    <div className="stack">
      <div className="admin-inline-form">
        <label>
          {t('admin.audit.action')}
          <select value={action} onChange={(event) => setAction(event.target.value as AuditAction | '')}>
            <option value="">{t('admin.audit.allActions')}</option>
            {AUDIT_ACTIONS.map((name) => (
              <option key={name} value={name}>
                {t(`admin.audit.actions.${actionKey(name)}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.audit.person')}
          <select value={actorId} onChange={(event) => setActorId(event.target.value)}>
            <option value="">{t('admin.audit.everyone')}</option>
            {people.map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.displayName}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={log.error} />
      {log.isPending && <p className="muted">{t('app.loading')}</p>}
      {log.data && entries.length === 0 && <p className="muted">{t('admin.audit.empty')}</p>}
      {entries.length > 0 && (
        <table className="admin-table">
          <caption className="visually-hidden">{t('admin.sections.audit')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.audit.time')}</th>
              <th scope="col">{t('admin.audit.actor')}</th>
              <th scope="col">{t('admin.audit.action')}</th>
              <th scope="col">{t('admin.audit.target')}</th>
              <th scope="col">{t('admin.audit.address')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>
                  <time dateTime={entry.createdAt}>{new Date(entry.createdAt).toLocaleString()}</time>
                </td>
                <td>{entry.actor.displayName ?? t('admin.audit.unknownActor')}</td>
                <td>{t(`admin.audit.actions.${actionKey(entry.action)}`)}</td>
                <td>{target(entry)}</td>
                <td>{entry.clientAddress ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {log.hasNextPage && (
        <div className="actions start">
          <button
            type="button"
            className="button"
            disabled={log.isFetchingNextPage}
            onClick={() => void log.fetchNextPage()}
          >
            {t('admin.audit.loadMore')}
          </button>
        </div>
      )}
    </div>
  );
}
