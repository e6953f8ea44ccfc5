import { Injectable } from '@nestjs/common';
import { groupBy } from '../common/group-by';
import { Database } from '../database/database';
import { MESSAGE_COLUMNS, MessageModel } from './messages.models';

export interface ReactionRow {
  messageId: string;
  emoji: string;
  userId: string;
}

@Injectable()
export class MessagesRepository {
  constructor(private readonly db: Database) {}

  async isBot(userId: string): Promise<boolean> {
    const row = await this.db
      .conn('users')
      .where({ id: userId })
      .first<{ isBot: boolean } | undefined>('isBot');
    return row?.isBot ?? false;
  }

  /** Inserts unless this author already posted this `clientMsgId` in the channel (then returns undefined). */
  async insert(
    message: Pick<
      MessageModel,
      'id' | 'workspaceId' | 'channelId' | 'userId' | 'text' | 'threadId' | 'clientMsgId' | 'botProfile'
    >,
  ): Promise<MessageModel | undefined> {
    const query = this.db
      .conn('messages')
      .insert(message)
      .returning([...MESSAGE_COLUMNS]);
    if (message.clientMsgId !== null) void query.onConflict(['channelId', 'userId', 'clientMsgId']).ignore();
    const rows = (await query) as MessageModel[];
    return rows[0];
  }

  async findByClientMsgId(
    channelId: string,
    userId: string,
    clientMsgId: string,
  ): Promise<MessageModel | undefined> {
    return await MessageModel.query(this.db.conn)
      .select(...MESSAGE_COLUMNS)
      .where({ channelId, userId, clientMsgId })
      .first();
  }

  /** A live message of this channel. */
  async findInChannel(channelId: string, messageId: string): Promise<MessageModel | undefined> {
    return await MessageModel.query(this.db.conn)
      .select(...MESSAGE_COLUMNS)
      .where({ id: messageId, channelId })
      .whereNull('deletedAt')
      .first();
  }

  /** A live message, found only through the caller's workspace membership. */
  async findForMember(messageId: string, userId: string): Promise<MessageModel | undefined> {
    return await MessageModel.query(this.db.conn)
      .select(MESSAGE_COLUMNS.map((column) => `messages.${column}`))
      .join('workspaceMembers as wm', (join) => {
        join.on('wm.workspaceId', 'messages.workspaceId').andOnVal('wm.userId', userId);
      })
      .where('messages.id', messageId)
      .whereNull('messages.deletedAt')
      .first();
  }

  /** Top-level messages of a channel, newest first. */
  async listChannel(channelId: string, limit: number, beforeId?: string): Promise<MessageModel[]> {
    const query = MessageModel.query(this.db.conn)
      .select(...MESSAGE_COLUMNS)
      .where({ channelId })
      .whereNull('threadId')
      .whereNull('deletedAt')
      .orderBy('id', 'desc')
      .limit(limit);
    if (beforeId) void query.where('id', '<', beforeId);
    return await query;
  }

  /** Replies of a thread, oldest first. */
  async listReplies(threadId: string, limit: number, afterId?: string): Promise<MessageModel[]> {
    const query = MessageModel.query(this.db.conn)
      .select(...MESSAGE_COLUMNS)
      .where({ threadId })
      .whereNull('deletedAt')
      .orderBy('id')
      .limit(limit);
    if (afterId) void query.where('id', '>', afterId);
    return await query;
  }

  async adjustReplyCount(threadId: string, delta: number): Promise<void> {
    await MessageModel.query(this.db.conn).increment('replyCount', delta).where({ id: threadId });
  }

  async updateText(messageId: string, text: string): Promise<MessageModel> {
    const [row] = await this.db
      .conn('messages')
      .where({ id: messageId })
      .update({ text, editedAt: this.db.knex.fn.now() })
      .returning<MessageModel[]>([...MESSAGE_COLUMNS]);
    return row;
  }

  /** Keeps the row (replies and the outbox refer to it) but drops its content. */
  async softDelete(messageId: string): Promise<void> {
    await this.db
      .conn('messages')
      .where({ id: messageId })
      .update({ text: '', deletedAt: this.db.knex.fn.now() });
    await this.db.conn('messageMentions').where({ messageId }).delete();
    await this.db.conn('reactions').where({ messageId }).delete();
  }

  /** The channel is kept beside each mention, so a person's mentions in one channel are counted from an index. */
  async addMentions(message: Pick<MessageModel, 'id' | 'channelId'>, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.db
      .conn('messageMentions')
      .insert(userIds.map((userId) => ({ messageId: message.id, channelId: message.channelId, userId })));
  }

  async replaceMentions(message: Pick<MessageModel, 'id' | 'channelId'>, userIds: string[]): Promise<void> {
    await this.db.conn('messageMentions').where({ messageId: message.id }).delete();
    await this.addMentions(message, userIds);
  }

  async mentionsFor(messageIds: string[]): Promise<Map<string, string[]>> {
    if (messageIds.length === 0) return new Map();
    const rows = await this.db
      .conn('messageMentions')
      .whereIn('messageId', messageIds)
      .select<{ messageId: string; userId: string }[]>('messageId', 'userId');
    return groupBy(
      rows,
      (row) => row.messageId,
      (row) => row.userId,
    );
  }

  /**
   * Adds one person's reaction unless it is there already, or unless it would be the message's
   * `maxDistinct + 1`-th different emoji. Must run in a transaction: the message row is locked first, so
   * concurrent adds of new emoji are counted one after the other and can never pass the cap together.
   */
  async addReaction(
    messageId: string,
    userId: string,
    emoji: string,
    maxDistinct: number,
  ): Promise<'added' | 'present' | 'full'> {
    await this.db.conn('messages').where({ id: messageId }).forNoKeyUpdate().select('id');
    const existing = await this.db
      .conn('reactions')
      .where({ messageId })
      .select<{ emoji: string; mine: boolean }[]>(
        'emoji',
        this.db.conn.raw('bool_or(user_id = ?) as mine', [userId]),
      )
      .groupBy('emoji');
    const same = existing.find((row) => row.emoji === emoji);
    if (same?.mine) return 'present';
    if (!same && existing.length >= maxDistinct) return 'full';
    await this.db.conn('reactions').insert({ messageId, userId, emoji });
    return 'added';
  }

  async removeReaction(messageId: string, userId: string, emoji: string): Promise<boolean> {
    return (await this.db.conn('reactions').where({ messageId, userId, emoji }).delete()) > 0;
  }

  async reactionsFor(messageIds: string[]): Promise<Map<string, ReactionRow[]>> {
    if (messageIds.length === 0) return new Map();
    const rows = await this.db
      .conn('reactions')
      .whereIn('messageId', messageIds)
      .orderBy('createdAt')
      .select<ReactionRow[]>('messageId', 'emoji', 'userId');
    return groupBy(
      rows,
      (row) => row.messageId,
      (row) => row,
    );
  }

  /** Full-text matches the caller may read (member, or non-guest in a public channel), newest first. */
  async search(
    workspaceId: string,
    userId: string,
    includePublic: boolean,
    text: string,
    limit: number,
    beforeId?: string,
  ): Promise<MessageModel[]> {
    const query = MessageModel.query(this.db.conn)
      .select(MESSAGE_COLUMNS.map((column) => `messages.${column}`))
      .join('channels as c', 'c.id', 'messages.channelId')
      .leftJoin('channelMembers as cm', (join) => {
        join.on('cm.channelId', 'messages.channelId').andOnVal('cm.userId', userId);
      })
      .where('messages.workspaceId', workspaceId)
      .whereNull('messages.deletedAt')
      .whereRaw(`messages.search @@ websearch_to_tsquery('simple', ?)`, [text])
      .where((visible) => {
        void visible.whereNotNull('cm.userId');
        if (includePublic) void visible.orWhere('c.kind', 'public');
      })
      .orderBy('messages.id', 'desc')
      .limit(limit);
    if (beforeId) void query.where('messages.id', '<', beforeId);
    return await query;
  }
}
