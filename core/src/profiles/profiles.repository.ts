import { Injectable } from '@nestjs/common';
import type { UserRow } from '../auth/auth.rows';
import { Database } from '../database/database';

export interface StoredAvatar {
  content: Buffer;
  contentType: string;
  version: string;
}

@Injectable()
export class ProfilesRepository {
  constructor(private readonly db: Database) {}

  async updateDisplayName(userId: string, displayName: string): Promise<UserRow> {
    return await this.updateUser(userId, { displayName });
  }

  /** Replaces the user's avatar and its version, together. */
  async saveAvatar(userId: string, avatar: StoredAvatar): Promise<UserRow> {
    await this.db
      .conn('userAvatars')
      .insert({ userId, content: avatar.content, contentType: avatar.contentType })
      .onConflict('userId')
      .merge({ content: avatar.content, contentType: avatar.contentType, updatedAt: this.db.knex.fn.now() });
    return await this.updateUser(userId, { avatarVersion: avatar.version });
  }

  /** The user without an avatar; undefined when they had none. */
  async deleteAvatar(userId: string): Promise<UserRow | undefined> {
    if ((await this.db.conn('userAvatars').where({ userId }).delete()) === 0) return undefined;
    return await this.updateUser(userId, { avatarVersion: null });
  }

  async findAvatar(userId: string): Promise<StoredAvatar | undefined> {
    return await this.db
      .conn('userAvatars as a')
      .join('users as u', 'u.id', 'a.userId')
      .where('a.userId', userId)
      .first<StoredAvatar | undefined>('a.content', 'a.contentType', 'u.avatarVersion as version');
  }

  private async updateUser(
    userId: string,
    patch: Partial<Pick<UserRow, 'displayName' | 'avatarVersion'>>,
  ): Promise<UserRow> {
    const [user] = await this.db.conn<UserRow>('users').where({ id: userId }).update(patch).returning('*');
    return user;
  }
}
