import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import { FileModel } from './files.models';
import type { FileRow } from './files.models';

export type { FileRow };

@Injectable()
export class FilesRepository {
  constructor(private readonly db: Database) {}

  async insert(
    file: Pick<
      FileModel,
      'id' | 'workspaceId' | 'uploaderId' | 'name' | 'size' | 'contentType' | 'storageKey'
    >,
  ): Promise<FileModel> {
    return await FileModel.query(this.db.conn).insert(file).returning('*');
  }

  /**
   * The file, if `userId` may read it: they uploaded it and are still in its workspace, or it is attached to a
   * live message in a channel they can read (a member, or a non-guest for public channels).
   */
  async findReadable(fileId: string, userId: string): Promise<FileModel | undefined> {
    const knex = this.db.knex;
    return await FileModel.query(this.db.conn)
      .findById(fileId)
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
      );
  }

  /** Of `fileIds`, those this user uploaded into this workspace (the only files they may attach). */
  async findOwned(workspaceId: string, uploaderId: string, fileIds: string[]): Promise<FileModel[]> {
    return await FileModel.query(this.db.conn).where({ workspaceId, uploaderId }).whereIn('id', fileIds);
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
    const query = FileModel.query(this.db.conn).select('id', 'size', 'storageKey').orderBy('id').limit(limit);
    if (afterId) void query.where('id', '>', afterId);
    return await query;
  }

  async detachAll(messageId: string): Promise<void> {
    await this.db.conn('messageFiles').where({ messageId }).delete();
  }
}
