import { Inject, Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { newId } from '../common/ids';
import { badRequest, notFound } from '../common/problem';
import { isUuid } from '@jokkaer/sdk-plugin';
import { Database } from '../database/database';
import { EventsRepository } from '../events/events.repository';
import { WorkspacesService } from '../workspaces/workspaces.service';
import type { FileRow } from './files.repository';
import { FilesRepository } from './files.repository';
import { FileView, fileNameProblem, INLINE_CONTENT_TYPES, normalizeContentType } from './files.schemas';
import { FILE_FIELD } from './multipart';
import type { MultipartUpload } from './multipart';
import { STORAGE_DRIVER } from './storage';
import type { DownloadHeaders, StorageDriver } from './storage';

export const toFileView = (file: FileRow): FileView => ({
  id: file.id,
  workspaceId: file.workspaceId,
  uploaderId: file.uploaderId,
  name: file.name,
  size: Number(file.size),
  contentType: file.contentType,
  createdAt: file.createdAt.toISOString(),
});

/** Either the bytes to send, or a presigned URL of the bucket to send the client to (S3_PRESIGNED_DOWNLOADS). */
export type FileDownload = { file: FileView; headers: DownloadHeaders } & (
  { content: Readable; redirect?: undefined } | { redirect: string; content?: undefined }
);

/** The stored type when it is safe to render, else application/octet-stream (and a download, not a page). */
function downloadHeaders(file: FileRow): DownloadHeaders {
  const inline = INLINE_CONTENT_TYPES.has(file.contentType);
  const encoded = encodeURIComponent(file.name);
  const fallback = file.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return {
    contentType: inline ? file.contentType : 'application/octet-stream',
    contentDisposition: `${inline ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${encoded}`,
  };
}

@Injectable()
export class FilesService implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly repository: FilesRepository,
    private readonly workspaces: WorkspacesService,
    private readonly events: EventsRepository,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
  ) {}

  /** Removes what writes cut off by a crash left behind (no upload is in flight before the server starts). */
  async onModuleInit(): Promise<void> {
    await this.storage.removeIncomplete();
  }

  /** `name`: the file's name when the upload names it elsewhere (Slack's files.getUploadURLExternal). */
  async upload(
    workspaceId: string,
    userId: string,
    upload: MultipartUpload,
    name?: string,
  ): Promise<FileView> {
    await this.workspaces.requireMember(workspaceId, userId);
    const id = newId();
    const storageKey = `${workspaceId}/${id}`;
    const received = await upload
      .receive(async (incoming) => {
        const problem = fileNameProblem(name ?? incoming.filename);
        if (problem) {
          throw badRequest('The file name is not acceptable', [
            { path: FILE_FIELD, message: `file name ${problem}` },
          ]);
        }
        return this.storage.write(storageKey, incoming.content);
      })
      .catch(async (error: unknown) => {
        // The file may be complete on disk while the body failed after it (another part, a broken end).
        await this.storage.delete(storageKey);
        throw error;
      });
    if (!received) throw badRequest('No file was sent', [{ path: FILE_FIELD, message: 'is required' }]);
    const { file: incoming, stored: size } = received;
    try {
      return await this.db.transaction(async () => {
        const file = await this.repository.insert({
          id,
          workspaceId,
          uploaderId: userId,
          name: (name ?? incoming.filename ?? '').trim(),
          size,
          contentType: normalizeContentType(incoming.mimetype),
          storageKey,
        });
        const view = toFileView(file);
        await this.events.append('file.uploaded', view);
        return view;
      });
    } catch (error) {
      await this.storage.delete(storageKey);
      throw error;
    }
  }

  async get(fileId: string, userId: string): Promise<FileView> {
    return toFileView(await this.requireReadable(fileId, userId));
  }

  async download(fileId: string, userId: string): Promise<FileDownload> {
    const file = await this.requireReadable(fileId, userId);
    const headers = downloadHeaders(file);
    const redirect = await this.storage.downloadUrl(file.storageKey, headers);
    if (redirect) return { file: toFileView(file), headers, redirect };
    return { file: toFileView(file), headers, content: await this.storage.read(file.storageKey) };
  }

  /**
   * For a plugin's bot: the file, if it belongs to `workspaceId` and the bot may read it (by the rules of
   * `GET /files/:id`), with a reader of its bytes; else undefined. The caller checks the size before reading.
   */
  async forBot(
    workspaceId: string,
    botUserId: string,
    fileId: string,
  ): Promise<{ file: FileView; read(): Promise<Buffer> } | undefined> {
    const file = isUuid(fileId) ? await this.repository.findReadable(fileId, botUserId) : undefined;
    if (!file || file.workspaceId !== workspaceId) return undefined;
    return {
      file: toFileView(file),
      read: async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of await this.storage.read(file.storageKey)) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      },
    };
  }

  /** Checks `fileIds` can be attached by this user in this workspace; 400 naming each one that cannot. */
  async requireAttachable(workspaceId: string, userId: string, fileIds: string[]): Promise<FileRow[]> {
    if (fileIds.length === 0) return [];
    const owned = new Map(
      (await this.repository.findOwned(workspaceId, userId, fileIds)).map((f) => [f.id, f]),
    );
    const errors = fileIds
      .map((id, index) => ({ id, index }))
      .filter(({ id }) => !owned.has(id))
      .map(({ index }) => ({
        path: `fileIds/${index}`,
        message: 'is not a file you uploaded to this workspace',
      }));
    if (errors.length) throw badRequest('Some files cannot be attached', errors);
    return fileIds.map((id) => owned.get(id) as FileRow);
  }

  attach(messageId: string, fileIds: string[]): Promise<void> {
    return this.repository.attach(messageId, fileIds);
  }

  detachAll(messageId: string): Promise<void> {
    return this.repository.detachAll(messageId);
  }

  private async requireReadable(fileId: string, userId: string): Promise<FileRow> {
    const file = await this.repository.findReadable(fileId, userId);
    if (!file) throw notFound('File');
    return file;
  }
}
