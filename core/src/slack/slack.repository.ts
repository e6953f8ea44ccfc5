import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';

/** A workspace member as the Slack surface describes them (users.info, users.list). */
export interface SlackMemberRow {
  id: string;
  email: string;
  displayName: string;
  isBot: boolean;
  role: string;
  avatarVersion: string | null;
}

const MEMBER_COLUMNS = ['u.id', 'u.email', 'u.displayName', 'u.isBot', 'm.role', 'u.avatarVersion'] as const;

/** The few reads the Slack surface needs that no other domain answers: every one stays inside one workspace. */
@Injectable()
export class SlackRepository {
  constructor(private readonly db: Database) {}

  private members(workspaceId: string) {
    return this.db
      .conn('workspaceMembers as m')
      .join('users as u', 'u.id', 'm.userId')
      .where('m.workspaceId', workspaceId)
      .select<SlackMemberRow[]>(...MEMBER_COLUMNS);
  }

  /** The workspaces a user belongs to, the one they joined first first (a Slack token names one team). */
  async workspacesOf(userId: string): Promise<string[]> {
    const rows = await this.db
      .conn('workspaceMembers')
      .where({ userId })
      .orderBy([{ column: 'joinedAt' }, { column: 'workspaceId' }])
      .select<{ workspaceId: string }[]>('workspaceId');
    return rows.map((row) => row.workspaceId);
  }

  async member(workspaceId: string, userId: string): Promise<SlackMemberRow | undefined> {
    return (await this.members(workspaceId).where('u.id', userId))[0];
  }

  async memberByEmail(workspaceId: string, email: string): Promise<SlackMemberRow | undefined> {
    return (await this.members(workspaceId).whereRaw('lower(u.email) = lower(?)', [email]))[0];
  }

  /** Members by id, from `afterUserId` on. */
  async memberPage(workspaceId: string, limit: number, afterUserId?: string): Promise<SlackMemberRow[]> {
    const query = this.members(workspaceId).orderBy('u.id').limit(limit);
    if (afterUserId) void query.where('u.id', '>', afterUserId);
    return await query;
  }

  /** Which of these users are bots (a message by a bot carries its bot_id on Slack). */
  async botIds(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.db
      .conn('users')
      .whereIn('id', [...new Set(userIds)])
      .where('isBot', true)
      .select<{ id: string }[]>('id');
    return new Set(rows.map((row) => row.id));
  }

  async insertUpload(upload: { id: string; workspaceId: string; userId: string; filename: string }) {
    await this.db.conn('slackUploads').insert(upload);
  }

  /** One of this user's uploads in this workspace; `fileId` is null until its bytes came. */
  async findUpload(
    id: string,
    workspaceId: string,
    userId: string,
  ): Promise<{ id: string; filename: string; fileId: string | null } | undefined> {
    return await this.db
      .conn('slackUploads')
      .where({ id, workspaceId, userId })
      .first<{ id: string; filename: string; fileId: string | null } | undefined>('id', 'filename', 'fileId');
  }

  async setUploadFile(id: string, fileId: string): Promise<void> {
    await this.db.conn('slackUploads').where({ id }).update({ fileId });
  }

  /** Messages' stored ts (microseconds) and authors, deleted ones too (a deletion or a reaction names them). */
  async messageStamps(ids: string[]): Promise<Map<string, { ts: string; userId: string }>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .conn('messages')
      .whereIn('id', [...new Set(ids)])
      .select<{ id: string; ts: string; userId: string }[]>('id', 'ts', 'userId');
    return new Map(rows.map((row) => [row.id, { ts: row.ts, userId: row.userId }]));
  }

  /** A channel's kind ('public', 'private', 'dm'): its Slack id's letter and an event's channel_type. */
  async channelKind(id: string): Promise<string | undefined> {
    const row = await this.db.conn('channels').where({ id }).first<{ kind: string } | undefined>('kind');
    return row?.kind;
  }

  /** A channel's name and archived flag as its last created or updated event before `seq` left them. */
  async channelBefore(
    channelId: string,
    seq: string,
  ): Promise<{ name: string | null; archived: boolean } | undefined> {
    const row = await this.db
      .conn('events')
      .where({ channelId })
      .whereIn('type', ['channel.created', 'channel.updated'])
      .where('seq', '<', seq)
      .orderBy('seq', 'desc')
      .first<{ data: { name: string | null; archived: boolean } } | undefined>('data');
    return row && { name: row.data.name, archived: row.data.archived };
  }

  /** An app-level token (Socket Mode) by its hash. */
  async appToken(tokenHash: Buffer): Promise<{ id: string; appId: string; scopes: string[] } | undefined> {
    return await this.db
      .conn('appTokens')
      .where({ tokenHash })
      .first<{ id: string; appId: string; scopes: string[] } | undefined>('id', 'appId', 'scopes');
  }
}
