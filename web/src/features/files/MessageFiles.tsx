import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog';
import { api, data } from '../../lib/api/client';
import { useObjectUrl } from '../../lib/object-url';
import type { FileView } from '../../lib/api/upload';
import { formatSize, isPreviewable } from './format';
import { DocumentIcon } from './icons';

/**
 * A file's bytes, fetched with the session's token: the API takes no cookie, so an <img> cannot load
 * /files/:id/content itself. The blob is shown through an object URL (the CSP allows blob: images).
 */
function fetchContent(fileId: string): Promise<Blob> {
  // The route's answer is bytes, which the OpenAPI document leaves untyped.
  return data<Blob>(
    api.GET('/api/v1/files/{fileId}/content', { params: { path: { fileId } }, parseAs: 'blob' }),
  );
}

/** An image, bounded in the message; a click opens it full size. */
function ImagePreview({ file }: { file: FileView }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const content = useQuery({
    queryKey: ['file-content', file.id],
    queryFn: () => fetchContent(file.id),
    staleTime: Infinity,
  });
  const url = useObjectUrl(content.data);
  return (
    <>
      <button
        type="button"
        className="file-image"
        aria-label={t('files.openImage', { name: file.name })}
        onClick={() => setOpen(true)}
      >
        {url ? (
          <img src={url} alt={file.name} />
        ) : (
          <span className="muted">{content.isError ? t('files.unavailable') : t('app.loading')}</span>
        )}
      </button>
      <Dialog title={file.name} open={open} onClose={() => setOpen(false)}>
        {url && <img className="file-full" src={url} alt={file.name} />}
      </Dialog>
    </>
  );
}

/** Any other file: its name and size; a click downloads it (under its own name, never opened here). */
function FileCard({ file }: { file: FileView }) {
  const { t, i18n } = useTranslation();
  const [failed, setFailed] = useState(false);
  const download = async () => {
    try {
      const url = URL.createObjectURL(await fetchContent(file.id));
      const link = document.createElement('a');
      link.href = url;
      link.download = file.name;
      link.click();
      // The download has its own copy once started; the next task is late enough to let go of this one.
      setTimeout(() => URL.revokeObjectURL(url));
      setFailed(false);
    } catch {
      setFailed(true);
    }
  };
  return (
    <button
      type="button"
      className="file-card"
      aria-label={t('files.download', { name: file.name })}
      onClick={() => void download()}
    >
      <DocumentIcon />
      <span className="file-card-name">{file.name}</span>
      <span className="muted">{failed ? t('files.unavailable') : formatSize(file.size, i18n.language)}</span>
    </button>
  );
}

/** A message's attachments: images as previews, other files as download cards. */
export function MessageFiles({ files }: { files: FileView[] }) {
  const { t } = useTranslation();
  if (files.length === 0) return null;
  return (
    <ul className="message-files" aria-label={t('files.attachments')}>
      {files.map((file) => (
        <li key={file.id}>
          {isPreviewable(file.contentType) ? <ImagePreview file={file} /> : <FileCard file={file} />}
        </li>
      ))}
    </ul>
  );
}
