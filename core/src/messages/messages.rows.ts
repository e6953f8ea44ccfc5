import type { Attachment, Block } from '../slack/block-kit.schemas';
import type { BotProfile } from './messages.schemas';

/** A row of `messages` (but its generated `search` vector), as knex answers it (columns in camelCase). */
export interface MessageRow {
  id: string;
  workspaceId: string;
  channelId: string;
  userId: string;
  text: string;
  threadId: string | null;
  /** A thread reply that is also in the channel's timeline (Slack's reply_broadcast). */
  alsoSentToChannel: boolean;
  replyCount: number;
  clientMsgId: string | null;
  botProfile: BotProfile | null;
  /** Slack's `ts` in microseconds since the epoch (bigint, read as a string); unique within the channel. */
  ts: string;
  blocks: Block[] | null;
  attachments: Attachment[] | null;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
}

/**
 * Every column but the generated `search` vector and the rich content (blocks, attachments): no caller of a row
 * (rather than a view) reads them back.
 */
export const MESSAGE_COLUMNS = [
  'id',
  'workspaceId',
  'channelId',
  'userId',
  'text',
  'threadId',
  'alsoSentToChannel',
  'botProfile',
  'replyCount',
  'clientMsgId',
  'ts',
  'createdAt',
  'editedAt',
  'deletedAt',
] as const;

/** A message row as read through MESSAGE_COLUMNS. */
export type MessageColumns = Pick<MessageRow, (typeof MESSAGE_COLUMNS)[number]>;

/**
 * Whether the message row `alias` is in its channel's timeline: top-level, or a reply also sent to the channel.
 * Written exactly as the predicate of the timeline index (migration 032), so PostgreSQL matches the index.
 */
export const inTimeline = (alias: string): string =>
  `(${alias}.thread_id IS NULL OR ${alias}.also_sent_to_channel)`;
