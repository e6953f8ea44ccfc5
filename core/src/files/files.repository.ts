import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { FileRow } from './files.rows';

export type { FileRow };

@Injectable()
export class FilesRepository {
  constructor(private readonly db: Database) {}

  async insert(
    file: Pick<FileRow, 'id' | 'workspaceId' | 'uploaderId' | 'name' | 'size' | 'contentType' | 'storageKey'>,
  ): Promise<FileRow> {
    const [created] = await this.db.conn<FileRow>('files').insert(file).returning('*');
    return created;
  }

  /**
   * The file, if `userId` may read it: they uploaded it and are still in its workspace, or it is attached to a
   * live message in a channel they can read (a member, or a non-guest for public channels).
   */
  async findReadable(fileId: string, userId: string): Promise<FileRow | undefined> {
    const knex = this.db.knex;
    return await this.db
      .conn<FileRow>('files')
      .where('files.id', fileId)
      .whereExists(
        knex('workspaceMembers as wm')
          .whereRaw('wm.workspace_id = files.workspace_id')
          .where('wm.userId', userId)
          .where((q) => {
            void q.whereRaw('files.uploader_id = ?', [userId]).orWhereExists(
              knex('messageFiles as mf')
                .join('messages as m', 'm.id', 'mf.messageId')
                .join('channels as c', 'c.id', 'm.channelId')
                .leftJoin('channelMembers as cm', function () {
                  this.on('cm.channelId', 'c.id').andOnVal('cm.userId', userId);
                })
                .whereRaw('mf.file_id = files.id')
                .whereNull('m.deletedAt')
                .where((visible) => {
                  void visible
                    .whereNotNull('cm.userId')
                    .orWhere((pub) => void pub.where('c.kind', 'public').whereNot('wm.role', 'guest'));
                }),
            );
          }),
      )
      .first();
  }

  /** Of `fileIds`, those this user uploaded into this workspace (the only files they may attach). */
  async findOwned(workspaceId: string, uploaderId: string, fileIds: string[]): Promise<FileRow[]> {
    return await this.db.conn<FileRow>('files').where({ workspaceId, uploaderId }).whereIn('id', fileIds);
  }

  async attach(messageId: string, fileIds: string[]): Promise<void> {
    if (fileIds.length === 0) return;
    await this.db
      .conn('messageFiles')
      .insert(fileIds.map((fileId, position) => ({ messageId, fileId, position })));
  }

  /** Up to `limit` files after `afterId` in id order, with where their bytes are (files:migrate walks them). */
  async storedAfter(
    afterId: string | undefined,
    limit: number,
  ): Promise<Pick<FileRow, 'id' | 'size' | 'storageKey'>[]> {
    const query = this.db
      .conn<FileRow>('files')
      .select('id', 'size', 'storageKey')
      .orderBy('id')
      .limit(limit);
    if (afterId) void query.where('id', '>', afterId);
    return await query;
  }

  async detachAll(messageId: string): Promise<void> {
    await this.db.conn('messageFiles').where({ messageId }).delete();
  }
}
