import { useCallback, useEffect, useRef, useState } from 'react';
import { uploadFile, type FileView } from '../../lib/api/upload';

/** The server takes at most this many files on one message. */
export const MAX_FILES_PER_MESSAGE = 10;

export interface Upload {
  key: string;
  name: string;
  size: number;
  /** Bytes sent so far. */
  sent: number;
  status: 'uploading' | 'done' | 'failed';
  /** The stored file, once the upload is done. */
  file?: FileView;
  error?: string;
  controller: AbortController;
}

/**
 * The files being attached to the next message of one channel: each uploads at once, with its progress, and
 * can be cancelled (or, once done, left out). Switching channel cancels what is still uploading.
 */
export function useUploads(workspaceId: string, channelId: string) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const current = useRef(uploads);
  current.current = uploads;

  const patch = useCallback((key: string, change: Partial<Upload>) => {
    setUploads((list) => list.map((upload) => (upload.key === key ? { ...upload, ...change } : upload)));
  }, []);

  const add = useCallback(
    (files: File[]) => {
      const room = MAX_FILES_PER_MESSAGE - current.current.length;
      for (const file of files.slice(0, Math.max(0, room))) {
        const upload: Upload = {
          key: crypto.randomUUID(),
          name: file.name,
          size: file.size,
          sent: 0,
          status: 'uploading',
          controller: new AbortController(),
        };
        setUploads((list) => [...list, upload]);
        uploadFile(workspaceId, file, {
          signal: upload.controller.signal,
          onProgress: (sent) => patch(upload.key, { sent }),
        }).then(
          (stored) => patch(upload.key, { status: 'done', file: stored, sent: file.size }),
          (error: Error) => {
            if (error.name !== 'AbortError') patch(upload.key, { status: 'failed', error: error.message });
          },
        );
      }
    },
    [workspaceId, patch],
  );

  const remove = useCallback((key: string) => {
    current.current.find((upload) => upload.key === key)?.controller.abort();
    setUploads((list) => list.filter((upload) => upload.key !== key));
  }, []);

  const clear = useCallback(() => setUploads([]), []);

  useEffect(
    () => () => {
      for (const upload of current.current) upload.controller.abort();
      setUploads([]);
    },
    [channelId],
  );

  return {
    uploads,
    add,
    remove,
    clear,
    /** Files ready to go with the message. */
    ready: uploads.flatMap((upload) => (upload.file ? [upload.file] : [])),
    busy: uploads.some((upload) => upload.status === 'uploading'),
  };
}

export type Uploads = ReturnType<typeof useUploads>;
