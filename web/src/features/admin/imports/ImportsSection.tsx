import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../components/ErrorNote';
import { ApiError } from '../../../lib/api/client';
import { formatSize } from '../../files/format';
import { ConfirmDialog } from '../ConfirmDialog';
import type { AdminSectionProps } from '../sections';
import '../admin-forms.css';
import '../admin-sections.css';
import {
  downloadExport,
  useImportActions,
  useLatestExport,
  useLatestImport,
  useStartExport,
  type ImportView,
} from './api';

type CountKind = keyof ImportView['counts'] | 'filesFailed';

/** Counts of a job, by kind, as a list of terms (only the kinds the job counts). */
function Counts({ counts }: { counts: Partial<Record<CountKind, number>> }) {
  const { t } = useTranslation();
  return (
    <dl className="job-counts">
      {Object.entries(counts).map(([kind, count]) => (
        <div key={kind}>
          <dt>{t(`admin.imports.counts.${kind as CountKind}`)}</dt>
          <dd>{count}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Shared files the import could not store (not downloaded, too large…): the report lists each reason. */
const filesFailed = (job: ImportView) =>
  job.skipped.filter((item) => item.item === 'file').reduce((sum, item) => sum + item.count, 0);

/** How far a job is, in words and as a bar (`max` 0 while the job has not counted its work yet). */
function Progress({ said, label, value, max }: { said: string; label: string; value: number; max: number }) {
  return (
    <p role="status">
      {said} <progress value={value} max={max || 1} aria-label={label} />
    </p>
  );
}

/** A Slack export uploaded (with its progress), then imported (with its progress), its report, and undo. */
function ImportPanel({ workspaceId }: { workspaceId: string }) {
  const { t, i18n } = useTranslation();
  const latest = useLatestImport(workspaceId);
  const { upload, undo } = useImportActions(workspaceId);
  const [sent, setSent] = useState<{ loaded: number; total: number }>();
  const [confirming, setConfirming] = useState(false);
  const start = (file: File | undefined) => {
    if (!file) return;
    setSent({ loaded: 0, total: file.size });
    upload.mutate(
      {
        file,
        signal: new AbortController().signal,
        onProgress: (loaded, total) => setSent({ loaded, total }),
      },
      { onSettled: () => setSent(undefined) },
    );
  };
  const job = latest.data;
  const fields = upload.error instanceof ApiError ? upload.error.fields : [];
  return (
    <section className="admin-panel stack" aria-labelledby="import-heading">
      <h2 id="import-heading">{t('admin.imports.importTitle')}</h2>
      <p className="muted">{t('admin.imports.importExplained')}</p>
      <label className="button">
        {t('admin.imports.choose')}
        <input
          type="file"
          accept=".zip,application/zip"
          className="visually-hidden"
          disabled={upload.isPending}
          onChange={(event) => {
            start(event.target.files?.[0]);
            event.target.value = '';
          }}
        />
      </label>
      {sent && (
        <Progress
          said={t('admin.imports.uploading', {
            percent: Math.floor((100 * sent.loaded) / (sent.total || 1)),
          })}
          label={t('admin.imports.uploadProgress')}
          value={sent.loaded}
          max={sent.total}
        />
      )}
      <ErrorNote error={upload.error} />
      {fields.length > 0 && (
        <ul className="error">
          {fields.map((field) => (
            <li key={field.path}>{field.message}</li>
          ))}
        </ul>
      )}
      {job && (
        <div className="stack" aria-live="polite">
          <h3>
            {t('admin.imports.latest', {
              name: job.archiveName,
              size: formatSize(job.archiveBytes, i18n.language),
            })}
          </h3>
          {(job.status === 'queued' || job.status === 'running') && (
            <Progress
              said={t('admin.imports.importing', { done: job.dayFilesDone, total: job.dayFilesTotal })}
              label={t('admin.imports.importProgress')}
              value={job.dayFilesDone}
              max={job.dayFilesTotal}
            />
          )}
          {job.status === 'done' && <p role="status">{t('admin.imports.imported')}</p>}
          {job.status === 'failed' && (
            <p className="error" role="alert">
              {t('admin.imports.failed', { error: job.error })}
            </p>
          )}
          <Counts counts={{ ...job.counts, filesFailed: filesFailed(job) }} />
          {job.skipped.length > 0 && (
            <table className="admin-table">
              <caption>{t('admin.imports.skipped')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.imports.item')}</th>
                  <th scope="col">{t('admin.imports.reason')}</th>
                  <th scope="col">{t('admin.imports.count')}</th>
                  <th scope="col">{t('admin.imports.examples')}</th>
                </tr>
              </thead>
              <tbody>
                {job.skipped.map((item) => (
                  <tr key={`${item.item}\0${item.reason}`}>
                    <td>{item.item}</td>
                    <td>{item.reason}</td>
                    <td>{item.count}</td>
                    <td>{item.examples.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div>
            <button type="button" className="danger" onClick={() => setConfirming(true)}>
              {t('admin.imports.undo')}
            </button>
          </div>
          <ConfirmDialog
            open={confirming}
            title={t('admin.imports.undoTitle')}
            explanation={t('admin.imports.undoExplained')}
            actionLabel={t('admin.imports.undo')}
            onConfirm={() => undo.mutate(job.id, { onSuccess: () => setConfirming(false) })}
            onClose={() => setConfirming(false)}
            error={undo.error}
            pending={undo.isPending}
          />
        </div>
      )}
    </section>
  );
}

/** "Export this workspace": the job's progress, then a download of its zip until it expires. */
function ExportPanel({ workspaceId }: { workspaceId: string }) {
  const { t, i18n } = useTranslation();
  const latest = useLatestExport(workspaceId);
  const startExport = useStartExport(workspaceId);
  const [downloadError, setDownloadError] = useState<unknown>();
  const job = latest.data;
  const busy = job?.status === 'queued' || job?.status === 'running';
  return (
    <section className="admin-panel stack" aria-labelledby="export-heading">
      <h2 id="export-heading">{t('admin.imports.exportTitle')}</h2>
      <p className="muted">{t('admin.imports.exportExplained')}</p>
      <div>
        <button type="button" onClick={() => startExport.mutate()} disabled={busy || startExport.isPending}>
          {t('admin.imports.export')}
        </button>
      </div>
      <ErrorNote error={startExport.error ?? downloadError} />
      {job && (
        <div className="stack" aria-live="polite">
          {busy && (
            <Progress
              said={t('admin.imports.exporting', {
                done: job.conversationsDone,
                total: job.conversationsTotal,
              })}
              label={t('admin.imports.exportProgress')}
              value={job.conversationsDone}
              max={job.conversationsTotal}
            />
          )}
          {job.status === 'failed' && (
            <p className="error" role="alert">
              {t('admin.imports.failed', { error: job.error })}
            </p>
          )}
          {job.status === 'done' && (
            <p role="status">
              {t('admin.imports.exported', {
                when: new Date(job.expiresAt ?? job.createdAt).toLocaleString(i18n.language),
              })}
            </p>
          )}
          <Counts counts={job.counts} />
          {job.status === 'done' && (
            <div>
              <button
                type="button"
                onClick={() => {
                  setDownloadError(undefined);
                  downloadExport(job).catch(setDownloadError);
                }}
              >
                {t('admin.imports.download', { size: formatSize(job.archiveBytes ?? 0, i18n.language) })}
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

/** Bringing a Slack workspace's history in, and taking this one's out in Slack's format. Owners only. */
export function ImportsSection({ workspace }: AdminSectionProps) {
  return (
    <div className="admin-sections">
      <ImportPanel workspaceId={workspace.id} />
      <ExportPanel workspaceId={workspace.id} />
    </div>
  );
}
