import type { Attachment, Block } from '../slack/block-kit.schemas';
import type { FromSchema } from 'json-schema-to-ts';
import type { FileView } from '../files/files.schemas';
import { MAX_TEXT_LENGTH, messageViewSchema } from '@jokkaer/sdk-plugin';
import { pageQuerySchema, pageSchema } from '../common/pagination';
import type { Page, PageQuery } from '../common/pagination';

/** Slack's `username`/`icon_url` on a post through an incoming webhook. */
export interface BotProfile {
  username?: string;
  iconUrl?: string;
}

const text = { type: 'string', maxLength: MAX_TEXT_LENGTH } as const;

/**
 * Block Kit blocks and legacy attachments, as Slack takes them; their shape is checked by the service against
 * the Block Kit subset (slack/block-kit.schemas.ts), whichever way a message arrives.
 */
export const richContent = {
  blocks: { type: 'array', items: { type: 'object', additionalProperties: true }, maxItems: 50 },
  attachments: { type: 'array', items: { type: 'object', additionalProperties: true }, maxItems: 20 },
} as const;

export interface RichContent {
  blocks?: Block[] | null;
  attachments?: Attachment[] | null;
}

/**
 * `text` is required unless blocks or attachments come (the text then falls back to theirs, as on Slack):
 * a message with none of them is told that `text` is missing, as before blocks existed.
 */
export const textUnlessRich = {
  if: {
    not: {
      anyOf: [
        { properties: { blocks: {} }, required: ['blocks'] },
        { properties: { attachments: {} }, required: ['attachments'] },
      ],
    },
  },
  then: { properties: { text: {} }, required: ['text'] },
} as const;

/** Text, or blocks or attachments alone. */
export const postMessageSchema = {
  type: 'object',
  properties: {
    text,
    threadId: { type: 'string', format: 'uuid' },
    /** A reply that also goes into the channel's timeline (Slack's reply_broadcast); only with `threadId`. */
    alsoSentToChannel: { type: 'boolean' },
    clientMsgId: { type: 'string', minLength: 1, maxLength: 128 },
    fileIds: { type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 10, uniqueItems: true },
    ...richContent,
  },
  dependencies: { alsoSentToChannel: ['threadId'] },
  ...textUnlessRich,
  additionalProperties: false,
} as const;
export interface PostMessageBody extends RichContent {
  text?: string;
  threadId?: string;
  alsoSentToChannel?: boolean;
  clientMsgId?: string;
  fileIds?: string[];
}

export const editMessageSchema = {
  type: 'object',
  properties: { text: { ...text, minLength: 1 }, ...richContent },
  required: ['text'],
  additionalProperties: false,
} as const;
export interface EditMessageBody extends RichContent {
  text: string;
}

export const reactionSchema = {
  type: 'object',
  // What an emoji may be is checked by isReactionEmoji (emoji.ts); this bounds the length only.
  properties: { emoji: { type: 'string', minLength: 1, maxLength: 66 } },
  required: ['emoji'],
  additionalProperties: false,
} as const;
export type ReactionBody = FromSchema<typeof reactionSchema>;

/**
 * A channel's history: older than `cursor` (the default, from the newest), newer than `after` (a page's
 * `newerCursor`), or `around` one message (a jump link: the message and its neighbours on both sides).
 */
export const historyQuerySchema = {
  type: 'object',
  properties: {
    ...pageQuerySchema.properties,
    after: { type: 'string', minLength: 1, maxLength: 500 },
    around: { type: 'string', format: 'uuid' },
  },
  additionalProperties: false,
} as const;
export interface HistoryQuery extends PageQuery {
  after?: string;
  around?: string;
}

/** A channel's timeline between Slack `ts` bounds in microseconds (conversations.history's latest, oldest). */
export interface TsHistoryQuery extends PageQuery {
  latest?: string;
  oldest?: string;
  inclusive: boolean;
}

/** A page of a channel's history, newest first: `nextCursor` leads to older messages, `newerCursor` to newer. */
export const historyPageSchema = {
  ...pageSchema(messageViewSchema),
  title: 'MessageViewHistoryPage',
  properties: {
    ...pageSchema(messageViewSchema).properties,
    /** null when the page reaches the newest message. */
    newerCursor: { type: ['string', 'null'] },
  },
  required: ['items', 'nextCursor', 'newerCursor'],
} as const;

export interface HistoryPage<T> extends Page<T> {
  newerCursor: string | null;
}

/** Which of a message's block or attachment images (`GET /messages/:messageId/images?url=`). */
export const messageImageQuerySchema = {
  type: 'object',
  properties: { url: { type: 'string', minLength: 1, maxLength: 3000, pattern: '^https?://' } },
  required: ['url'],
  additionalProperties: false,
} as const;
export type MessageImageQuery = FromSchema<typeof messageImageQuerySchema>;

export const searchQuerySchema = {
  type: 'object',
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: { type: 'string', minLength: 1, maxLength: 500 },
  },
  required: ['q'],
  additionalProperties: false,
} as const;
export type SearchQuery = FromSchema<typeof searchQuerySchema>;

export interface ReactionView {
  emoji: string;
  count: number;
  userIds: string[];
}

export interface MessageView {
  id: string;
  workspaceId: string;
  channelId: string;
  userId: string;
  text: string;
  threadId: string | null;
  /** Only on a reply that is also in the channel's timeline (always true when there). */
  alsoSentToChannel?: boolean;
  replyCount: number;
  reactions: ReactionView[];
  files: FileView[];
  /** Users mentioned as `<@userId>` who belong to the workspace. */
  mentions: string[];
  clientMsgId: string | null;
  createdAt: string;
  editedAt: string | null;
  /** Only on posts through an incoming webhook that asked for a name or icon. */
  botProfile?: BotProfile;
  /** Slack's timestamp ("1712345678.000100"), unique within the channel (on every message the server sends). */
  ts?: string;
  blocks?: Block[] | null;
  attachments?: { [field: string]: unknown }[] | null;
}
