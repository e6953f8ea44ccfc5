import { X } from 'lucide-react';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { formatSize } from './format';
import { PaperclipIcon } from './icons';
import type { Uploads } from './useUploads';

/** The paperclip: opens the system's file picker; the chosen files start uploading at once. */
export function AttachButton({ uploads }: { uploads: Uploads }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="icon-button attach-button"
        aria-label={t('files.attach')}
        title={t('files.attach')}
        onClick={() => input.current?.click()}
      >
        <PaperclipIcon />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-hidden="true"
        tabIndex={-1}
        onChange={(event) => {
          uploads.add([...(event.target.files ?? [])]);
          event.target.value = '';
        }}
      />
    </>
  );
}

/** The files being attached, each with its progress and a button to cancel it or leave it out. */
export function AttachmentTray({ uploads }: { uploads: Uploads }) {
  const { t, i18n } = useTranslation();
  if (uploads.uploads.length === 0) return null;
  return (
    <ul className="attachment-tray" aria-label={t('files.attachments')}>
      {uploads.uploads.map((upload) => (
        <li key={upload.key} className={`attachment ${upload.status}`}>
          <span className="attachment-name">{upload.name}</span>
          {upload.status === 'uploading' && (
            <progress
              value={upload.sent}
              max={upload.size || 1}
              aria-label={t('files.progress', { name: upload.name })}
            />
          )}
          <span className="muted attachment-status">
            {upload.status === 'uploading'
              ? t('files.percent', { percent: Math.floor((100 * upload.sent) / (upload.size || 1)) })
              : upload.status === 'failed'
                ? t('files.failed', { detail: upload.error })
                : formatSize(upload.size, i18n.language)}
          </span>
          <button
            type="button"
            className="icon-button"
            aria-label={t(upload.status === 'uploading' ? 'files.cancel' : 'files.remove', {
              name: upload.name,
            })}
            onClick={() => uploads.remove(upload.key)}
          >
            <X />
          </button>
        </li>
      ))}
    </ul>
  );
}
