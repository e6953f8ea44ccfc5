import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../components/ErrorNote';
import { useInvocations, type InvocationOutcome } from '../api';

const OUTCOMES: InvocationOutcome[] = ['ok', 'error', 'timeout', 'memory', 'missing', 'host'];

/** The install's latest runs (commands, events, schedules, hooks), filtered by how they ended. */
export function InvocationLog({ workspaceId, pluginId }: { workspaceId: string; pluginId: string }) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<InvocationOutcome | ''>('');
  const runs = useInvocations(workspaceId, pluginId, outcome || undefined);
  return (
    <section className="stack admin-panel" aria-labelledby="log-heading">
      <h2 id="log-heading">{t('admin.plugins.log.title')}</h2>
      <div className="admin-inline-form">
        <label>
          {t('admin.plugins.log.outcome')}
          <select
            value={outcome}
            onChange={(event) => setOutcome(event.target.value as InvocationOutcome | '')}
          >
            <option value="">{t('admin.plugins.log.all')}</option>
            {OUTCOMES.map((option) => (
              <option key={option} value={option}>
                {t(`admin.plugins.log.outcomes.${option}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button" onClick={() => void runs.refetch()}>
          {t('admin.plugins.log.refresh')}
        </button>
      </div>
      <ErrorNote error={runs.error} />
      {runs.data?.length === 0 && <p className="muted">{t('admin.plugins.log.none')}</p>}
      {runs.data && runs.data.length > 0 && (
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">{t('admin.plugins.log.when')}</th>
              <th scope="col">{t('admin.plugins.log.what')}</th>
              <th scope="col">{t('admin.plugins.log.outcome')}</th>
              <th scope="col">{t('admin.plugins.log.duration')}</th>
              <th scope="col">{t('admin.plugins.log.message')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.map((run) => (
              <tr key={run.id}>
                <td>{new Date(run.createdAt).toLocaleString()}</td>
                <td>
                  {run.kind} <code>{run.name}</code>
                </td>
                <td>{t(`admin.plugins.log.outcomes.${run.outcome}`)}</td>
                <td>{t('admin.plugins.log.ms', { ms: Math.round(run.durationMs) })}</td>
                <td className="log-message">{run.message ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
