import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ChannelAccess, ChannelsService } from '../channels/channels.service';
import { batched } from '../common/batched';
import { newId } from '../common/ids';
import { decodeCursor, encodeCursor, Page, PageQuery, toPage } from '../common/pagination';
import { badRequest, conflict, forbidden, notFound, ProblemException } from '../common/problem';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { Database } from '../database/database';
import { EventsRepository } from '../events/events.repository';
import type { FileView } from '../files/files.schemas';
import { FilesService, toFileView } from '../files/files.service';
import { RateLimiter } from '../rate-limits/rate-limiter';
import { PresenceService } from '../realtime/presence.service';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { isReactionEmoji } from './emoji';
import { parseBroadcast, parseMentions } from './mentions';
import { isRefusedStatement, isUniqueViolation } from '../database/errors';
import { assertRichContent, fallbackText, prepareRichContentCheck } from '../slack/block-kit';
import { parseTs } from '../slack/slack-ids';
import { MessageHooks } from './message-hooks';
import type { BotProfile } from './messages.schemas';
import { InsertionAnswer, MessagesRepository, type NewMessage } from './messages.repository';
import type {
  HistoryPage,
  HistoryQuery,
  MessageView,
  PostMessageBody,
  RichContent,
  TsHistoryQuery,
} from './messages.schemas';

interface PostOptions {
  skipHooks?: boolean;
  /** A bot answering a person's command: the person's channel membership authorizes the post. */
  onBehalfOf?: string;
  botProfile?: BotProfile;
}

/** Who posts: a bot's posts have a per-channel limit (AuthContext carries both). */
export interface Author {
  userId: string;
  isBot: boolean;
}

/** Pages are keyed by message id (time-ordered): the cursor names the last message seen. */
const pageOf = (views: MessageView[], limit: number): Page<MessageView> =>
  toPage(views, limit, (last) => ({ id: last.id }));

/** The ways to say where a page of a channel's history starts: one at a time. */
const HISTORY_POSITIONS = ['cursor', 'after', 'around'] as const;

const threadNotFound = () =>
  badRequest('The thread does not exist in this channel', [
    { path: 'threadId', message: 'is not a message in this channel' },
  ]);

/**
 * Plain posts' statements (see plainPosts): at most 50 posts each, and at most 2 under way at a time (posts
 * that come meanwhile wait for one to end, then share the next).
 */
const PLAIN_POST_BATCHES = { max: 50, concurrent: 2 };

/** Attempts at a post whose `ts` a concurrent post in the same channel took first (each takes the next one). */
const TS_ATTEMPTS = 5;

async function retryTsClash<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= TS_ATTEMPTS || !isUniqueViolation(error, 'messages_channel_ts')) throw error;
    }
  }
}

@Injectable()
export class MessagesService implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly repository: MessagesRepository,
    private readonly channels: ChannelsService,
    private readonly workspaces: WorkspacesService,
    private readonly files: FilesService,
    private readonly events: EventsRepository,
    private readonly hooks: MessageHooks,
    private readonly limiter: RateLimiter,
    private readonly presence: PresenceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    prepareRichContentCheck();
  }

  /**
   * Writes a plain post (top level, no mentions or files, outside a transaction) with the others that came in
   * the same turn of the event loop, or while two such statements were under way (PLAIN_POST_BATCHES): one
   * statement and one commit for a burst of posts. If PostgreSQL refuses that statement (a channel removed
   * meanwhile, a value it cannot store), nothing of it was written, and each post is tried alone, so that only
   * the one at fault fails. Undefined: its clientMsgId was posted already.
   */
  private readonly plainPosts = batched<NewMessage, MessageView | undefined>(
    (message) => this.writePlainPost(message),
    async (messages) => {
      try {
        const views = await retryTsClash(() =>
          this.events.appendEach('message.created', this.repository.insertions(messages), messages.length),
        );
        return views.map((view) => ({ status: 'fulfilled', value: view ?? undefined }));
      } catch (error) {
        if (!isRefusedStatement(error)) throw error;
        return Promise.allSettled(messages.map((message) => this.writePlainPost(message)));
      }
    },
    PLAIN_POST_BATCHES,
  );

  /** One plain post by its own statement. */
  private writePlainPost(message: NewMessage): Promise<MessageView | undefined> {
    return retryTsClash(() => this.writePost(message, [], []));
  }

  /** Writes one message with its mentions (user ids) and files; undefined as for plainPosts. */
  private async writePost(
    message: NewMessage,
    mentions: string[],
    files: FileView[],
  ): Promise<MessageView | undefined> {
    const outcome = await this.events.appendWithOutcome<'message.created', InsertionAnswer>(
      'message.created',
      { workspaceId: message.workspaceId, channelId: message.channelId },
      this.repository.insertion(message, mentions, files),
    );
    if (!outcome!.answer.threadFound) throw threadNotFound();
    return outcome!.data ?? undefined;
  }

  /**
   * Posts into a channel the caller belongs to. A repeated `clientMsgId` returns the first message
   * (a client retrying after a lost response never creates a copy). The message, its mentions, its thread's
   * reply count and its event are written by one statement (a transaction only when files are attached).
   */
  async post(
    channelId: string,
    author: Author,
    input: PostMessageBody,
    options: PostOptions = {},
  ): Promise<MessageView> {
    const { userId } = author;
    const { channel } = await this.channels.requireMember(channelId, options.onBehalfOf ?? userId);
    if (channel.archived) throw conflict('The channel is archived');
    const hooked = !options.skipHooks && (await this.hooks.watch(channel.workspaceId));
    const clientMsgId = input.clientMsgId ?? null;
    if (clientMsgId === null) return this.create(channel, author, input, options, hooked);
    const retried = () => this.repository.viewByClientMsgId(channel.id, userId, clientMsgId);
    // A retry is found before anything that must not run twice (a hook, a bot's post limit). Without those,
    // the insert's conflict finds it: a statement fewer on every first try.
    if (author.isBot || hooked) {
      return (await retried()) ?? (await this.create(channel, author, input, options, hooked));
    }
    try {
      return await this.create(channel, author, input, options, hooked);
    } catch (error) {
      // A retry that could not be made again (its thread or files changed since) still gets its message.
      const existing = await retried().catch(() => undefined);
      if (existing) return existing;
      throw error;
    }
  }

  /**
   * Writes a new message (or, on a clientMsgId conflict, returns the one that has it). `hooked`: a
   * `message.willBePosted` hook sees this message first.
   */
  private async create(
    channel: ChannelAccess['channel'],
    author: Author,
    input: PostMessageBody,
    options: PostOptions,
    hooked: boolean,
  ): Promise<MessageView> {
    const { userId } = author;
    const clientMsgId = input.clientMsgId ?? null;
    if (author.isBot) await this.limitBotPosts(userId, channel.id);
    const fileIds = input.fileIds ?? [];
    assertRichContent(input);
    const blocks = input.blocks?.length ? input.blocks : null;
    const attachments = input.attachments?.length ? input.attachments : null;
    const given = input.text ?? '';
    const rich = blocks !== null || attachments !== null;
    if (!given.trim() && fileIds.length === 0 && !rich) {
      throw badRequest('A message needs text, blocks, attachments or files', [
        { path: 'text', message: 'must not be empty' },
      ]);
    }
    // A hook is shown the thread's root; without one, the insert finds the root itself (a statement fewer).
    const threadId =
      input.threadId && hooked
        ? await this.threadRootId(input.threadId, channel.id)
        : (input.threadId ?? null);
    const files = await this.files.requireAttachable(channel.workspaceId, userId, fileIds);
    const written = given.trim() || !rich ? given : fallbackText({ blocks, attachments });
    const text = !hooked
      ? written
      : await this.hooks.run({
          workspaceId: channel.workspaceId,
          channelId: channel.id,
          userId,
          text: written,
          threadId,
        });
    const message = {
      id: newId(),
      workspaceId: channel.workspaceId,
      channelId: channel.id,
      userId,
      text,
      threadId,
      alsoSentToChannel: threadId !== null && input.alsoSentToChannel === true,
      clientMsgId,
      botProfile: options.botProfile ?? null,
      blocks,
      attachments,
    };
    // The statement keeps only workspace members among those named.
    const mentions = [
      ...new Set([...parseMentions(text), ...(await this.broadcastMentions(channel, userId, text))]),
    ];
    const plain =
      threadId === null && mentions.length === 0 && fileIds.length === 0 && !this.db.inTransaction;
    const write = async () => {
      const view = await this.writePost(message, mentions, files.map(toFileView));
      if (view) await this.files.attach(view.id, fileIds);
      return view;
    };
    const created = plain
      ? await this.plainPosts(message)
      : await retryTsClash(() => (fileIds.length > 0 ? this.db.transaction(write) : write()));
    // Undefined: lost a race with the same clientMsgId, whose message is committed now.
    return (
      created ?? ((await this.repository.viewByClientMsgId(channel.id, userId, clientMsgId!)) as MessageView)
    );
  }

  /**
   * Who a text reaches besides those it names (decided when it is posted or edited, never the author): every
   * member of the channel for `@channel`, those online now for `@here`.
   */
  private async broadcastMentions(
    channel: { id: string; workspaceId: string },
    authorId: string,
    text: string,
  ): Promise<string[]> {
    const broadcast = parseBroadcast(text);
    if (!broadcast) return [];
    const members = (await this.channels.memberIds(channel.id)).filter((id) => id !== authorId);
    if (broadcast === 'channel') return members;
    return this.presence
      .statuses(members)
      .filter((member) => member.status === 'online')
      .map((member) => member.userId);
  }

  /** Bots (apps, plugins, incoming webhooks) post about once a second per channel, in bursts, as on Slack. */
  private async limitBotPosts(userId: string, channelId: string): Promise<void> {
    await this.limiter.enforce({
      key: `bot-posts:${userId}:${channelId}`,
      max: this.config.botChannelPostsPerWindow,
      windowSeconds: this.config.botChannelPostWindowSeconds,
    });
  }

  async list(channelId: string, userId: string, query: HistoryQuery): Promise<HistoryPage<MessageView>> {
    const { channel } = await this.channels.requireReadable(channelId, userId);
    const given = HISTORY_POSITIONS.filter((name) => query[name] !== undefined);
    if (given.length > 1) {
      throw badRequest(
        'Page from one position only',
        given.map((name) => ({ path: `query/${name}`, message: 'only one of cursor, after, around' })),
      );
    }
    if (query.around) return this.around(channel.id, query.around, query.limit);
    if (query.after) {
      const after = decodeCursor(query.after, { id: 'uuid' }, 'after')!;
      const newer = await this.repository.listChannelAfter(channel.id, query.limit + 1, after.id);
      const items = newer.slice(0, query.limit).reverse();
      return {
        items,
        // Older than this page there is at least the message the cursor names.
        nextCursor: encodeCursor({ id: items.at(-1)?.id ?? after.id }),
        newerCursor: newer.length > query.limit ? encodeCursor({ id: items[0].id }) : null,
      };
    }
    const before = decodeCursor(query.cursor, { id: 'uuid' });
    const views = await this.repository.listChannel(channel.id, query.limit + 1, before?.id);
    return { ...pageOf(views, query.limit), newerCursor: null };
  }

  /**
   * A page of a channel's timeline between Slack `ts` bounds (microseconds; exclusive unless `inclusive`),
   * newest first: Slack's conversations.history. The cursor names the last `ts` seen.
   */
  async listByTs(channelId: string, userId: string, query: TsHistoryQuery): Promise<Page<MessageView>> {
    const { channel } = await this.channels.requireReadable(channelId, userId);
    const before = decodeCursor(query.cursor, { ts: 'bigint' });
    const { latest, oldest, inclusive } = query;
    const views = await this.repository.listChannelByTs(channel.id, query.limit + 1, {
      upper: before ? { ts: before.ts, inclusive: false } : latest ? { ts: latest, inclusive } : undefined,
      lower: oldest ? { ts: oldest, inclusive } : undefined,
    });
    return toPage(views, query.limit, (last) => ({ ts: parseTs(last.ts)! }));
  }

  /** Live messages of a channel among `ids`, for a caller who may read it (checked by the caller). */
  async viewsInChannel(channelId: string, ids: string[]): Promise<MessageView[]> {
    return this.repository.viewsInChannel(channelId, [...new Set(ids)]);
  }

  /**
   * A page of `limit` messages with `messageId` in the middle (its thread's root, for a reply that is not in the
   * channel's timeline), newest first;
   * 404 when it is not a live message of this channel.
   */
  private async around(
    channelId: string,
    messageId: string,
    limit: number,
  ): Promise<HistoryPage<MessageView>> {
    const target = await this.repository.findInChannel(channelId, messageId);
    if (!target) throw notFound('Message');
    const inTimeline = target.threadId === null || target.alsoSentToChannel;
    const centre = await this.repository.view(inTimeline ? target.id : target.threadId!);
    const newerCount = Math.floor((limit - 1) / 2);
    const olderCount = limit - 1 - newerCount;
    const [older, newer] = await Promise.all([
      this.repository.listChannel(channelId, olderCount + 1, centre.id),
      this.repository.listChannelAfter(channelId, newerCount + 1, centre.id),
    ]);
    const items = [...newer.slice(0, newerCount).reverse(), centre, ...older.slice(0, olderCount)];
    return {
      items,
      nextCursor: older.length > olderCount ? encodeCursor({ id: items[items.length - 1].id }) : null,
      newerCursor: newer.length > newerCount ? encodeCursor({ id: items[0].id }) : null,
    };
  }

  async replies(messageId: string, userId: string, page: PageQuery): Promise<Page<MessageView>> {
    const { message } = await this.requireReadable(messageId, userId);
    const rootId = message.threadId ?? message.id;
    const after = decodeCursor(page.cursor, { id: 'uuid' });
    const views = await this.repository.listReplies(rootId, page.limit + 1, after?.id);
    return pageOf(views, page.limit);
  }

  /** The id of the live message with this Slack `ts` (microseconds) in a channel the caller may read; else 404. */
  async idByTs(channelId: string, userId: string, tsMicros: string): Promise<string> {
    await this.channels.requireReadable(channelId, userId);
    const message = await this.repository.findByTs(channelId, tsMicros);
    if (!message) throw notFound('Message');
    return message.id;
  }

  async get(messageId: string, userId: string): Promise<MessageView> {
    return (await this.requireReadable(messageId, userId)).message;
  }

  /** New text, and new blocks or attachments when given (an empty list removes them). */
  async edit(
    messageId: string,
    userId: string,
    content: { text: string } & RichContent,
  ): Promise<MessageView> {
    const { message, access } = await this.requireReadable(messageId, userId);
    if (message.userId !== userId) throw forbidden('Only the author may edit a message');
    if (access.channel.archived) throw conflict('The channel is archived');
    assertRichContent(content);
    const rich = {
      ...(content.blocks !== undefined ? { blocks: content.blocks?.length ? content.blocks : null } : {}),
      ...(content.attachments !== undefined
        ? { attachments: content.attachments?.length ? content.attachments : null }
        : {}),
    };
    const text =
      content.text.trim() || (!rich.blocks && !rich.attachments) ? content.text : fallbackText(rich);
    const named = await this.workspaces.filterMembers(message.workspaceId, parseMentions(text));
    const mentions = [
      ...new Set([...named, ...(await this.broadcastMentions(access.channel, userId, text))]),
    ];
    return this.db.transaction(async () => {
      await this.repository.updateContent(message.id, { text, ...rich });
      await this.repository.replaceMentions(message, mentions);
      const view = await this.repository.view(message.id);
      await this.events.append('message.updated', view);
      return view;
    });
  }

  async delete(messageId: string, userId: string): Promise<void> {
    const { message, access } = await this.requireReadable(messageId, userId);
    if (message.userId !== userId && !access.isWorkspaceAdmin) {
      throw forbidden('Only the author or a workspace admin may delete a message');
    }
    await this.db.transaction(async () => {
      await this.repository.softDelete(message.id);
      await this.files.detachAll(message.id);
      if (message.threadId) await this.repository.adjustReplyCount(message.threadId, -1);
      await this.events.append('message.deleted', {
        id: message.id,
        workspaceId: message.workspaceId,
        channelId: message.channelId,
        threadId: message.threadId,
      });
    });
  }

  async react(messageId: string, userId: string, emoji: string, add: boolean): Promise<void> {
    if (add && !isReactionEmoji(emoji)) {
      throw badRequest('Invalid emoji', [
        { path: 'emoji', message: 'must be a shortcode (tada, :tada:) or exactly one emoji' },
      ]);
    }
    const { message, access } = await this.requireReadable(messageId, userId);
    if (!access.isMember) throw forbidden('Join the channel first');
    if (access.channel.archived) throw conflict('The channel is archived');
    await this.db.transaction(async () => {
      const changed = add
        ? await this.addReaction(message.id, userId, emoji)
        : await this.repository.removeReaction(message.id, userId, emoji);
      if (!changed) return;
      await this.events.append(add ? 'reaction.added' : 'reaction.removed', {
        workspaceId: message.workspaceId,
        channelId: message.channelId,
        messageId: message.id,
        userId,
        emoji,
      });
    });
  }

  /** Whether the reaction is new; a new emoji beyond the message's distinct-emoji cap is a 409. */
  private async addReaction(messageId: string, userId: string, emoji: string): Promise<boolean> {
    const max = this.config.messageMaxDistinctReactions;
    const outcome = await this.repository.addReaction(messageId, userId, emoji, max);
    if (outcome === 'full') {
      throw new ProblemException(409, `A message carries at most ${max} different emoji`, [
        { path: 'emoji', message: `would be emoji number ${max + 1} on this message` },
      ]);
    }
    return outcome === 'added';
  }

  async search(
    workspaceId: string,
    userId: string,
    text: string,
    page: PageQuery,
  ): Promise<Page<MessageView>> {
    const membership = await this.workspaces.requireMember(workspaceId, userId);
    const before = decodeCursor(page.cursor, { id: 'uuid' });
    const views = await this.repository.search(
      workspaceId,
      userId,
      membership.role !== 'guest',
      text,
      page.limit + 1,
      before?.id,
    );
    return pageOf(views, page.limit);
  }

  /** The message and the caller's access to its channel; 404 when either is invisible to them. */
  private async requireReadable(
    messageId: string,
    userId: string,
  ): Promise<{ message: MessageView; access: ChannelAccess }> {
    const message = await this.repository.findForMember(messageId, userId);
    if (!message) throw notFound('Message');
    try {
      return { message, access: await this.channels.requireReadable(message.channelId, userId) };
    } catch {
      throw notFound('Message');
    }
  }

  /** Replies hang off the thread's root, also when the client names a reply as `threadId`. */
  async threadRootId(threadId: string, channelId: string): Promise<string> {
    const parent = await this.repository.findInChannel(channelId, threadId);
    if (!parent) throw threadNotFound();
    return parent.threadId ?? parent.id;
  }
}
