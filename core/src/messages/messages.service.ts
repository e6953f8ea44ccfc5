import { Inject, Injectable } from '@nestjs/common';
import { ChannelAccess, ChannelsService } from '../channels/channels.service';
import { newId } from '../common/ids';
import { decodeCursor, Page, PageQuery, toPage } from '../common/pagination';
import { badRequest, conflict, forbidden, notFound, ProblemException } from '../common/problem';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { Database } from '../database/database';
import { EventsRepository } from '../events/events.repository';
import type { FileView } from '../files/files.schemas';
import { FilesService, toFileView } from '../files/files.service';
import { RateLimiter } from '../rate-limits/rate-limiter';
import { RealtimeGateway } from '../realtime/realtime.gateway';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { isReactionEmoji } from './emoji';
import { parseBroadcast, parseMentions } from './mentions';
import { MessageHooks } from './message-hooks';
import type { BotProfile, MessageModel } from './messages.models';
import { MessagesRepository, ReactionRow } from './messages.repository';
import type { MessageView, PostMessageBody, ReactionView } from './messages.schemas';

interface Related {
  reactions?: ReactionRow[];
  files?: FileView[];
  mentions?: string[];
}

function toReactionViews(rows: ReactionRow[] = []): ReactionView[] {
  const byEmoji = new Map<string, string[]>();
  for (const row of rows) byEmoji.set(row.emoji, [...(byEmoji.get(row.emoji) ?? []), row.userId]);
  return [...byEmoji].map(([emoji, userIds]) => ({ emoji, count: userIds.length, userIds }));
}

export const toMessageView = (message: MessageModel, related: Related = {}): MessageView => ({
  id: message.id,
  workspaceId: message.workspaceId,
  channelId: message.channelId,
  userId: message.userId,
  text: message.text,
  threadId: message.threadId,
  replyCount: message.replyCount,
  reactions: toReactionViews(related.reactions),
  files: related.files ?? [],
  mentions: related.mentions ?? [],
  clientMsgId: message.clientMsgId,
  createdAt: message.createdAt.toISOString(),
  editedAt: message.editedAt?.toISOString() ?? null,
  ...(message.botProfile ? { botProfile: message.botProfile } : {}),
});

@Injectable()
export class MessagesService {
  constructor(
    private readonly db: Database,
    private readonly repository: MessagesRepository,
    private readonly channels: ChannelsService,
    private readonly workspaces: WorkspacesService,
    private readonly files: FilesService,
    private readonly events: EventsRepository,
    private readonly hooks: MessageHooks,
    private readonly limiter: RateLimiter,
    private readonly realtime: RealtimeGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Posts into a channel the caller belongs to. A repeated `clientMsgId` returns the first message
   * (a client retrying after a lost response never creates a copy).
   */
  async post(
    channelId: string,
    userId: string,
    input: PostMessageBody,
    options: {
      skipHooks?: boolean;
      /** A bot answering a person's command: the person's channel membership authorizes the post. */
      onBehalfOf?: string;
      botProfile?: BotProfile;
    } = {},
  ): Promise<MessageView> {
    const access = await this.channels.requireMember(channelId, options.onBehalfOf ?? userId);
    const { channel } = access;
    if (channel.archived) throw conflict('The channel is archived');
    const clientMsgId = input.clientMsgId ?? null;
    if (clientMsgId !== null) {
      const existing = await this.repository.findByClientMsgId(channel.id, userId, clientMsgId);
      if (existing) return this.hydrateOne(existing);
    }
    await this.limitBotPosts(userId, channel.id);
    const fileIds = input.fileIds ?? [];
    if (!input.text.trim() && fileIds.length === 0) {
      throw badRequest('A message needs text or files', [{ path: 'text', message: 'must not be empty' }]);
    }
    const threadId = input.threadId ? await this.threadRootId(input.threadId, channel.id) : null;
    const files = await this.files.requireAttachable(channel.workspaceId, userId, fileIds);
    const text = options.skipHooks
      ? input.text
      : await this.hooks.run({
          workspaceId: channel.workspaceId,
          channelId: channel.id,
          userId,
          text: input.text,
          threadId,
        });
    const mentions = await this.mentionedUserIds(channel, userId, text);

    const created = await this.db.transaction(async () => {
      const message = await this.repository.insert({
        id: newId(),
        workspaceId: channel.workspaceId,
        channelId: channel.id,
        userId,
        text,
        threadId,
        clientMsgId,
        botProfile: options.botProfile ?? null,
      });
      if (!message) return undefined; // lost a race with the same clientMsgId
      await this.repository.addMentions(message, mentions);
      await this.files.attach(message.id, fileIds);
      if (threadId) await this.repository.adjustReplyCount(threadId, 1);
      const view = toMessageView(message, { files: files.map(toFileView), mentions });
      await this.events.append('message.created', view);
      return view;
    });
    if (created) return created;
    const first = await this.repository.findByClientMsgId(channel.id, userId, clientMsgId as string);
    return this.hydrateOne(first as MessageModel);
  }

  /**
   * Who a text mentions: workspace members named as `<@id>`, plus for `@channel` every member of the channel
   * and for `@here` those online now (decided when the text is posted or edited), never the author.
   */
  private async mentionedUserIds(
    channel: { id: string; workspaceId: string },
    authorId: string,
    text: string,
  ): Promise<string[]> {
    const named = await this.workspaces.filterMembers(channel.workspaceId, parseMentions(text));
    const broadcast = parseBroadcast(text);
    if (!broadcast) return named;
    const members = (await this.channels.memberIds(channel.id)).filter((id) => id !== authorId);
    const reached =
      broadcast === 'channel'
        ? members
        : this.realtime
            .statuses(members)
            .filter((member) => member.status === 'online')
            .map((member) => member.userId);
    return [...new Set([...named, ...reached])];
  }

  /** Bots (apps, plugins, incoming webhooks) post about once a second per channel, in bursts, as on Slack. */
  private async limitBotPosts(userId: string, channelId: string): Promise<void> {
    if (!(await this.repository.isBot(userId))) return;
    await this.limiter.enforce({
      key: `bot-posts:${userId}:${channelId}`,
      max: this.config.botChannelPostsPerWindow,
      windowSeconds: this.config.botChannelPostWindowSeconds,
    });
  }

  async list(channelId: string, userId: string, page: PageQuery): Promise<Page<MessageView>> {
    const { channel } = await this.channels.requireReadable(channelId, userId);
    const before = decodeCursor(page.cursor, { id: 'uuid' });
    const rows = await this.repository.listChannel(channel.id, page.limit + 1, before?.id);
    return this.page(rows, page.limit);
  }

  async replies(messageId: string, userId: string, page: PageQuery): Promise<Page<MessageView>> {
    const { message } = await this.requireReadable(messageId, userId);
    const rootId = message.threadId ?? message.id;
    const after = decodeCursor(page.cursor, { id: 'uuid' });
    const rows = await this.repository.listReplies(rootId, page.limit + 1, after?.id);
    return this.page(rows, page.limit);
  }

  async get(messageId: string, userId: string): Promise<MessageView> {
    const { message } = await this.requireReadable(messageId, userId);
    return this.hydrateOne(message);
  }

  async edit(messageId: string, userId: string, text: string): Promise<MessageView> {
    const { message, access } = await this.requireReadable(messageId, userId);
    if (message.userId !== userId) throw forbidden('Only the author may edit a message');
    if (access.channel.archived) throw conflict('The channel is archived');
    const mentions = await this.mentionedUserIds(access.channel, userId, text);
    return this.db.transaction(async () => {
      const updated = await this.repository.updateText(message.id, text);
      await this.repository.replaceMentions(message, mentions);
      const view = await this.hydrateOne(updated);
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
    const rows = await this.repository.search(
      workspaceId,
      userId,
      membership.role !== 'guest',
      text,
      page.limit + 1,
      before?.id,
    );
    return this.page(rows, page.limit);
  }

  /** The message and the caller's access to its channel; 404 when either is invisible to them. */
  private async requireReadable(
    messageId: string,
    userId: string,
  ): Promise<{ message: MessageModel; access: ChannelAccess }> {
    const message = await this.repository.findForMember(messageId, userId);
    if (!message) throw notFound('Message');
    try {
      return { message, access: await this.channels.requireReadable(message.channelId, userId) };
    } catch {
      throw notFound('Message');
    }
  }

  /** Replies hang off the thread's root, also when the client names a reply as `threadId`. */
  private async threadRootId(threadId: string, channelId: string): Promise<string> {
    const parent = await this.repository.findInChannel(channelId, threadId);
    if (!parent) {
      throw badRequest('The thread does not exist in this channel', [
        { path: 'threadId', message: 'is not a message in this channel' },
      ]);
    }
    return parent.threadId ?? parent.id;
  }

  private async hydrateOne(message: MessageModel): Promise<MessageView> {
    const [view] = await this.hydrate([message]);
    return view;
  }

  private async hydrate(messages: MessageModel[]): Promise<MessageView[]> {
    const ids = messages.map((message) => message.id);
    const loads = [
      () => this.repository.reactionsFor(ids),
      () => this.files.viewsForMessages(ids),
      () => this.repository.mentionsFor(ids),
    ] as const;
    // In parallel on the pool; one after another on a transaction's single connection.
    const [reactions, files, mentions] = this.db.inTransaction
      ? [await loads[0](), await loads[1](), await loads[2]()]
      : await Promise.all([loads[0](), loads[1](), loads[2]()]);
    return messages.map((message) =>
      toMessageView(message, {
        reactions: reactions.get(message.id),
        files: files.get(message.id),
        mentions: mentions.get(message.id),
      }),
    );
  }

  private async page(rows: MessageModel[], limit: number): Promise<Page<MessageView>> {
    const page = toPage(rows, limit, (last) => ({ id: last.id }));
    return { items: await this.hydrate(page.items), nextCursor: page.nextCursor };
  }
}
