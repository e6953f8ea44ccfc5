import { Injectable } from '@nestjs/common';
import { ChannelsService } from '../channels/channels.service';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { decodeCursor, toPage } from '../common/pagination';
import type { Page } from '../common/pagination';
import { badRequest, conflict, notFound } from '../common/problem';
import { isUuid } from '@jokkaer/sdk-plugin';
import type { Author } from '../messages/messages.service';
import { MessagesService } from '../messages/messages.service';
import { assertRichContent } from '../slack/block-kit';
import { WorkspacesService } from '../workspaces/workspaces.service';
import type {
  EditScheduledMessageBody,
  ScheduledListQuery,
  ScheduledMessageView,
  ScheduleMessageBody,
} from './scheduled-messages.schemas';
import { MAX_SCHEDULE_DAYS } from './scheduled-messages.schemas';
import { ScheduledMessagesRepository, toScheduledView } from './scheduled-messages.repository';

const DAY_MS = 86_400_000;

/** Why a time cannot be a post time (in the past, or more than MAX_SCHEDULE_DAYS ahead); undefined when it can. */
export function postAtRefusal(postAt: number, now: number): 'time_in_past' | 'time_too_far' | undefined {
  if (postAt <= now) return 'time_in_past';
  if (postAt > now + MAX_SCHEDULE_DAYS * DAY_MS) return 'time_too_far';
  return undefined;
}

const REFUSALS = {
  time_in_past: 'must be in the future',
  time_too_far: `must be within ${MAX_SCHEDULE_DAYS} days`,
} as const;

/**
 * Messages a person writes now to be posted later, as them. Only the author sees, changes or cancels them (anyone
 * else gets 404); whether they may still post is decided again when the message is due (ScheduledMessageSender).
 */
@Injectable()
export class ScheduledMessagesService {
  constructor(
    private readonly repository: ScheduledMessagesRepository,
    private readonly channels: ChannelsService,
    private readonly workspaces: WorkspacesService,
    private readonly messages: MessagesService,
    private readonly clock: Clock,
  ) {}

  async schedule(
    channelId: string,
    author: Author,
    body: ScheduleMessageBody,
  ): Promise<ScheduledMessageView> {
    const { channel } = await this.channels.requireMember(channelId, author.userId);
    if (channel.archived) throw conflict('The channel is archived');
    const postAt = this.postTime(body.postAt);
    assertRichContent(body);
    const blocks = body.blocks?.length ? body.blocks : null;
    const attachments = body.attachments?.length ? body.attachments : null;
    const text = body.text ?? '';
    if (!text.trim() && !blocks && !attachments) {
      throw badRequest('A message needs text, blocks or attachments', [
        { path: 'text', message: 'must not be empty' },
      ]);
    }
    const threadId = body.threadId ? await this.messages.threadRootId(body.threadId, channel.id) : null;
    const now = new Date(this.clock.now());
    const row = await this.repository.insert({
      id: newId(),
      workspaceId: channel.workspaceId,
      channelId: channel.id,
      userId: author.userId,
      text,
      blocks,
      attachments,
      threadId,
      postAt,
      createdAt: now,
      updatedAt: now,
    });
    return toScheduledView(row);
  }

  /** The caller's own scheduled messages in a workspace (or one channel of it), soonest first. */
  async list(
    scope: { workspaceId: string } | { channelId: string },
    userId: string,
    query: ScheduledListQuery,
  ): Promise<Page<ScheduledMessageView>> {
    let workspaceId: string;
    let channelId: string | undefined;
    if ('channelId' in scope) {
      ({ workspaceId, id: channelId } = (
        await this.channels.requireReadable(scope.channelId, userId)
      ).channel);
    } else {
      workspaceId = (await this.workspaces.requireMember(scope.workspaceId, userId)).workspaceId;
    }
    const position = decodeCursor(query.cursor, { postAt: 'bigint', id: 'uuid' });
    const rows = await this.repository.list({
      workspaceId,
      userId,
      ...(channelId ? { channelId } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(position ? { after: { postAt: new Date(Number(position.postAt)), id: position.id } } : {}),
      limit: query.limit + 1,
    });
    return toPage(rows.map(toScheduledView), query.limit, (last) => ({
      postAt: String(Date.parse(last.postAt)),
      id: last.id,
    }));
  }

  async get(id: string, userId: string): Promise<ScheduledMessageView> {
    const row = isUuid(id) ? await this.repository.findOwn(id, userId) : undefined;
    if (!row) throw notFound('Scheduled message');
    return toScheduledView(row);
  }

  /** New text or time for a pending message; 409 once it was posted or failed. */
  async edit(id: string, userId: string, body: EditScheduledMessageBody): Promise<ScheduledMessageView> {
    await this.get(id, userId);
    const change = {
      ...(body.text !== undefined ? { text: body.text } : {}),
      ...(body.postAt !== undefined ? { postAt: this.postTime(body.postAt) } : {}),
    };
    const row = await this.repository.updatePending(id, userId, change, new Date(this.clock.now()));
    if (!row) throw conflict('The message was already posted or failed');
    return toScheduledView(row);
  }

  /** Cancels a pending message (or forgets a failed one); 409 once it was posted. */
  async cancel(id: string, userId: string): Promise<void> {
    await this.get(id, userId);
    if (!(await this.repository.deleteUnsent(id, userId))) throw conflict('The message was already posted');
  }

  private postTime(iso: string): Date {
    const postAt = Date.parse(iso);
    const refusal = postAtRefusal(postAt, this.clock.now());
    if (refusal)
      throw badRequest('The post time is invalid', [{ path: 'postAt', message: REFUSALS[refusal] }]);
    return new Date(postAt);
  }
}
