import { ApiError, type Answer, type ProblemField } from './client';
import type { paths } from './schema';
import { session } from '../session';

export type FileView = Answer<'/api/v1/workspaces/{workspaceId}/files', 'post', 201>;

const UPLOAD_PATH = '/api/v1/workspaces/{workspaceId}/files' satisfies keyof paths;

const cancelled = () => new DOMException('The upload was cancelled', 'AbortError');

export interface UploadOptions {
  onProgress: (sent: number, total: number) => void;
  signal: AbortSignal;
}

/**
 * Sends one file as multipart field `file` to an API path, reporting the bytes sent as they go: fetch cannot
 * report an upload's progress, so uploads go through XMLHttpRequest, with the session's token as the API
 * client sends it. Resolves to the JSON answer; rejects with an ApiError, or an AbortError when cancelled.
 */
export function sendFile<T>(path: string, file: File, options: UploadOptions): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    request.responseType = 'json';
    const token = session.get()?.token;
    if (token) request.setRequestHeader('authorization', `Bearer ${token}`);
    request.upload.onprogress = (event) => options.onProgress(event.loaded, event.total || file.size);
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) return resolve(request.response as T);
      if (request.status === 401 && token) session.clear();
      const problem = request.response as { detail?: string; title?: string; errors?: ProblemField[] } | null;
      reject(
        new ApiError(
          request.status,
          problem?.detail ?? problem?.title ?? request.statusText,
          problem?.errors,
        ),
      );
    };
    request.onerror = () => reject(new ApiError(0, 'The connection failed'));
    request.onabort = () => reject(cancelled());
    if (options.signal.aborted) return reject(cancelled());
    options.signal.addEventListener('abort', () => request.abort(), { once: true });
    const form = new FormData();
    form.append('file', file);
    request.send(form);
  });
}

/** Uploads one file to a workspace, on the typed path. */
export function uploadFile(workspaceId: string, file: File, options: UploadOptions): Promise<FileView> {
  return sendFile<FileView>(
    UPLOAD_PATH.replace('{workspaceId}', encodeURIComponent(workspaceId)),
    file,
    options,
  );
}
