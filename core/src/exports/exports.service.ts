import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { decodeCursor, Page, PageQuery, toPage } from '../common/pagination';
import { conflict, forbidden, notFound } from '../common/problem';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { ExportArchives } from './export-archives';
import { ExportWorker } from './export-worker';
import { ExportsRepository } from './exports.repository';
import { emptyExportProgress, ExportView } from './exports.schemas';
import { toExportView } from './slack-exporter';

export interface ExportDownload {
  fileName: string;
  bytes: number;
  content: Readable;
}

@Injectable()
export class ExportsService {
  constructor(
    private readonly repository: ExportsRepository,
    private readonly workspaces: WorkspacesService,
    private readonly archives: ExportArchives,
    private readonly worker: ExportWorker,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** An export holds the whole workspace's history and its people's emails: its owners alone may make one. */
  private async requireOwner(workspaceId: string, userId: string): Promise<void> {
    const membership = await this.workspaces.requireMember(workspaceId, userId);
    if (membership.role !== 'owner') throw forbidden('Only a workspace owner may export');
  }

  /** Queues an export of the workspace (private conversations in it when EXPORT_PRIVATE is on). */
  async start(workspaceId: string, userId: string): Promise<ExportView> {
    await this.requireOwner(workspaceId, userId);
    const row = await this.repository.create({
      id: newId(),
      workspaceId,
      createdBy: userId,
      status: 'queued',
      includePrivate: this.config.exportPrivate,
      progress: emptyExportProgress(),
      createdAt: new Date(this.clock.now()),
    });
    this.worker.wake();
    return toExportView(row);
  }

  async get(workspaceId: string, exportId: string, userId: string): Promise<ExportView> {
    await this.requireOwner(workspaceId, userId);
    const row = await this.repository.find(workspaceId, exportId);
    if (!row) throw notFound('Export');
    return toExportView(row);
  }

  async list(workspaceId: string, userId: string, page: PageQuery): Promise<Page<ExportView>> {
    await this.requireOwner(workspaceId, userId);
    const before = decodeCursor(page.cursor, { id: 'uuid' });
    const rows = await this.repository.list(workspaceId, page.limit + 1, before?.id);
    return toPage(rows.map(toExportView), page.limit, (last) => ({ id: last.id }));
  }

  async download(workspaceId: string, exportId: string, userId: string): Promise<ExportDownload> {
    await this.requireOwner(workspaceId, userId);
    const row = await this.repository.find(workspaceId, exportId);
    if (!row) throw notFound('Export');
    if (row.status !== 'done') throw conflict(`The export is ${row.status}, not ready for download`);
    return {
      fileName: `jokkaer-export-${row.createdAt.toISOString().slice(0, 10)}-${row.id.slice(0, 8)}.zip`,
      bytes: Number(row.archiveBytes),
      content: this.archives.read(exportId),
    };
  }

  /** Removes the export and its zip (one being written stops at its next page). */
  async remove(workspaceId: string, exportId: string, userId: string): Promise<void> {
    await this.requireOwner(workspaceId, userId);
    if (!(await this.repository.delete(workspaceId, exportId))) throw notFound('Export');
    await this.archives.remove(exportId);
  }
}
