import { Injectable } from '@nestjs/common';
import { UserModel } from '../auth/auth.models';
import { Database } from '../database/database';

export interface StoredAvatar {
  content: Buffer;
  contentType: string;
  version: string;
}

@Injectable()
export class ProfilesRepository {
  constructor(private readonly db: Database) {}

  async updateDisplayName(userId: string, displayName: string): Promise<UserModel> {
    return await UserModel.query(this.db.conn).patchAndFetchById(userId, { displayName });
  }

  /** Replaces the user's avatar and its version, together. */
  async saveAvatar(userId: string, avatar: StoredAvatar): Promise<UserModel> {
    await this.db
      .conn('userAvatars')
      .insert({ userId, content: avatar.content, contentType: avatar.contentType })
      .onConflict('userId')
      .merge({ content: avatar.content, contentType: avatar.contentType, updatedAt: this.db.knex.fn.now() });
    return await UserModel.query(this.db.conn).patchAndFetchById(userId, { avatarVersion: avatar.version });
  }

  /** The user without an avatar; undefined when they had none. */
  async deleteAvatar(userId: string): Promise<UserModel | undefined> {
    if ((await this.db.conn('userAvatars').where({ userId }).delete()) === 0) return undefined;
    return await UserModel.query(this.db.conn).patchAndFetchById(userId, { avatarVersion: null });
  }

  async findAvatar(userId: string): Promise<StoredAvatar | undefined> {
    return await this.db
      .conn('userAvatars as a')
      .join('users as u', 'u.id', 'a.userId')
      .where('a.userId', userId)
      .first<StoredAvatar | undefined>('a.content', 'a.contentType', 'u.avatarVersion as version');
  }
}
