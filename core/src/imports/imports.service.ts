import { AuditService } from '../audit/audit.service';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { decodeCursor, Page, PageQuery, toPage } from '../common/pagination';
import { badRequest, forbidden, notFound } from '../common/problem';
import { Database } from '../database/database';
import { FILE_FIELD } from '../files/multipart';
import type { MultipartUpload } from '../files/multipart';
import { STORAGE_DRIVER } from '../files/storage';
import type { StorageDriver } from '../files/storage';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { ImportArchives } from './import-archives';
import { ImportWorker } from './import-worker';
import { ImportsRepository } from './imports.repository';
import { emptyCounts, ImportView } from './imports.schemas';
import { ArchiveRejected, SlackArchive } from './slack-archive';
import { SlackImporter, toImportView } from './slack-importer';

@Injectable()
export class ImportsService {
  constructor(
    private readonly db: Database,
    private readonly repository: ImportsRepository,
    private readonly workspaces: WorkspacesService,
    private readonly archives: ImportArchives,
    private readonly importer: SlackImporter,
    private readonly worker: ImportWorker,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
  ) {}

  private record(
    action: 'import.started' | 'import.deleted',
    row: { id: string; workspaceId: string },
    summary: Record<string, unknown> = {},
  ) {
    return this.audit.record({
      action,
      workspaceId: row.workspaceId,
      target: { kind: 'import', id: row.id },
      summary,
    });
  }

  /** Imports rewrite a workspace's people and history: its owners alone may run and undo them. */
  private async requireOwner(workspaceId: string, userId: string): Promise<void> {
    const membership = await this.workspaces.requireMember(workspaceId, userId);
    if (membership.role !== 'owner') throw forbidden('Only a workspace owner may import');
  }

  /**
   * Stores the uploaded export and checks it (a zip, no entry outside its folder, not a zip bomb, a Slack
   * export) before queuing its import: a refused archive leaves nothing behind.
   */
  async start(
    workspaceId: string,
    userId: string,
    upload: MultipartUpload,
    downloadToken: string | null,
  ): Promise<ImportView> {
    await this.requireOwner(workspaceId, userId);
    const id = newId();
    const received = await upload
      .receive((incoming) => this.archives.write(id, incoming.content))
      .catch(async (error: unknown) => {
        await this.archives.remove(id);
        throw error;
      });
    if (!received) throw badRequest('No file was sent', [{ path: FILE_FIELD, message: 'is required' }]);
    try {
      (await SlackArchive.open(this.archives.pathOf(id), this.importer.archiveLimits)).close();
    } catch (error) {
      await this.archives.remove(id);
      if (error instanceof ArchiveRejected) {
        throw badRequest('The file is not a Slack export that can be imported', [
          { path: FILE_FIELD, message: error.message },
        ]);
      }
      throw error;
    }
    const row = await this.db.transaction(async () => {
      const created = await this.repository.create({
        id,
        workspaceId,
        createdBy: userId,
        status: 'queued',
        archiveName: (received.file.filename ?? 'export.zip').slice(0, 255),
        archiveBytes: String(received.stored),
        progress: { dayFilesTotal: 0, dayFilesDone: 0, counts: emptyCounts() },
        createdAt: new Date(this.clock.now()),
        downloadToken,
      });
      await this.record('import.started', created, {
        archiveName: created.archiveName,
        archiveBytes: Number(created.archiveBytes),
      });
      return created;
    });
    this.worker.wake();
    return toImportView(row);
  }

  async get(workspaceId: string, importId: string, userId: string): Promise<ImportView> {
    await this.requireOwner(workspaceId, userId);
    const row = await this.repository.find(workspaceId, importId);
    if (!row) throw notFound('Import');
    return toImportView(row);
  }

  async list(workspaceId: string, userId: string, page: PageQuery): Promise<Page<ImportView>> {
    await this.requireOwner(workspaceId, userId);
    const before = decodeCursor(page.cursor, { id: 'uuid' });
    const rows = await this.repository.list(workspaceId, page.limit + 1, before?.id);
    return toPage(rows.map(toImportView), page.limit, (last) => ({ id: last.id }));
  }

  /** Undoes an import, finished or not: what it created goes (a running job stops at its next batch). */
  async undo(workspaceId: string, importId: string, userId: string): Promise<void> {
    await this.requireOwner(workspaceId, userId);
    const storedFiles = await this.db.transaction(async () => {
      if (!(await this.repository.lock(workspaceId, importId))) throw notFound('Import');
      const keys = await this.repository.undo(workspaceId, importId);
      await this.record('import.deleted', { id: importId, workspaceId });
      return keys;
    });
    await this.archives.remove(importId);
    for (const key of storedFiles) await this.storage.delete(key);
  }
}
