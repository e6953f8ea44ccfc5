import type { FromSchema } from 'json-schema-to-ts';
import { MAX_TEXT_LENGTH } from './rules';

/**
 * JSON Schemas (draft-07) for every domain event payload, so plugins and webhook receivers validate
 * against the same shapes the server emits. Each payload is the resource as the REST API returns it, plus
 * `workspaceId` and, where it applies, `channelId`. Objects are closed (`additionalProperties: false`) so
 * any drift between server and SDK shows up as a validation error rather than passing silently.
 *
 * The schemas work with Ajv 8 in strict mode once ajv-formats is added (`uuid`, `date-time`):
 *
 *     const ajv = addFormats(new Ajv({ strict: true, allErrors: true }));
 *     const validate = ajv.compile(eventSchemas['message.created']);
 *
 * The resource schemas (`messageViewSchema`, ...) are building blocks without `$schema`, so they can be
 * embedded in other schemas; every `eventSchemas` entry is a complete draft-07 document.
 */

export const JSON_SCHEMA_DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

const uuid = { type: 'string', format: 'uuid' } as const;
const uuids = { type: 'array', items: uuid, uniqueItems: true } as const;
/** ISO 8601 UTC, as `Date.prototype.toISOString` writes it. */
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableUuid = { type: ['string', 'null'], format: 'uuid' } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;

export const ROLES = ['owner', 'admin', 'member', 'guest'] as const;
export const CHANNEL_KINDS = ['public', 'private', 'dm'] as const;

// ---- Resources (as the REST API returns them) ----------------------------------------------------------

/** A workspace member (`GET /workspaces/:workspaceId/members` items). */
export const memberViewSchema = {
  title: 'MemberView',
  type: 'object',
  properties: {
    userId: uuid,
    displayName: { type: 'string' },
    role: { type: 'string', enum: ROLES },
    isBot: { type: 'boolean' },
    /** Where the avatar is served (`/api/v1/users/:userId/avatar?v=…`, changing with each upload); null without one. */
    avatarUrl: { type: ['string', 'null'] },
    joinedAt: dateTime,
  },
  required: ['userId', 'displayName', 'role', 'isBot', 'avatarUrl', 'joinedAt'],
  additionalProperties: false,
} as const;

/** A channel or direct conversation (`GET /channels/:channelId`). */
export const channelViewSchema = {
  title: 'ChannelView',
  type: 'object',
  properties: {
    id: uuid,
    workspaceId: uuid,
    /** null for direct conversations */
    name: { type: ['string', 'null'] },
    kind: { type: 'string', enum: CHANNEL_KINDS },
    topic: { type: 'string' },
    archived: { type: 'boolean' },
    createdBy: uuid,
    createdAt: dateTime,
    /** The people in a direct conversation; only on DMs, and not on every DM event. */
    memberIds: uuids,
  },
  required: ['id', 'workspaceId', 'name', 'kind', 'topic', 'archived', 'createdBy', 'createdAt'],
  additionalProperties: false,
} as const;

/** An uploaded file's metadata (`GET /files/:fileId`). */
export const fileViewSchema = {
  title: 'FileView',
  type: 'object',
  properties: {
    id: uuid,
    workspaceId: uuid,
    uploaderId: uuid,
    name: { type: 'string', minLength: 1 },
    size: { type: 'integer', minimum: 0 },
    contentType: { type: 'string' },
    createdAt: dateTime,
  },
  required: ['id', 'workspaceId', 'uploaderId', 'name', 'size', 'contentType', 'createdAt'],
  additionalProperties: false,
} as const;

/** One emoji's reactions on a message. */
export const reactionViewSchema = {
  title: 'ReactionView',
  type: 'object',
  properties: {
    emoji: { type: 'string', minLength: 1 },
    count: { type: 'integer', minimum: 1 },
    userIds: { ...uuids, minItems: 1 },
  },
  required: ['emoji', 'count', 'userIds'],
  additionalProperties: false,
} as const;

/** A message (`POST /channels/:channelId/messages`, `GET /channels/:channelId/messages` items). */
export const messageViewSchema = {
  title: 'MessageView',
  type: 'object',
  properties: {
    id: uuid,
    workspaceId: uuid,
    channelId: uuid,
    userId: uuid,
    /** May be empty when the message carries files. */
    text: { type: 'string', maxLength: MAX_TEXT_LENGTH },
    /** The thread's root, or null for a top-level message. */
    threadId: nullableUuid,
    /** Only on a reply also sent to the channel (Slack's reply_broadcast): it is in the channel's timeline too. */
    alsoSentToChannel: { type: 'boolean' },
    replyCount: { type: 'integer', minimum: 0 },
    reactions: { type: 'array', items: reactionViewSchema },
    files: { type: 'array', items: fileViewSchema },
    /**
     * Users mentioned as `<@userId>` who belong to the workspace, plus the channel's members for `@channel`
     * and those of them online when it was posted for `@here` (never the author).
     */
    mentions: uuids,
    clientMsgId: { type: ['string', 'null'] },
    createdAt: dateTime,
    editedAt: nullableDateTime,
    /** How a post through an incoming webhook asked to be labelled (Slack's `username`, `icon_url`). */
    botProfile: {
      type: 'object',
      properties: { username: { type: 'string' }, iconUrl: { type: 'string' } },
      additionalProperties: false,
    },
    /** Slack's timestamp of the message ("1712345678.000100"), unique within its channel. */
    ts: { type: 'string', pattern: '^\\d+\\.\\d{6}$' },
    /** Block Kit blocks (Slack's subset: section, header, divider, context, image, actions), or null. */
    blocks: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        properties: { type: { type: 'string' } },
        required: ['type'],
        additionalProperties: true,
      },
    },
    /** Slack's legacy attachments (color, pretext, title, text, fields, fallback), or null. */
    attachments: { type: ['array', 'null'], items: { type: 'object', additionalProperties: true } },
  },
  required: [
    'id',
    'workspaceId',
    'channelId',
    'userId',
    'text',
    'threadId',
    'replyCount',
    'reactions',
    'files',
    'mentions',
    'clientMsgId',
    'createdAt',
    'editedAt',
  ],
  additionalProperties: false,
} as const;

// ---- Event payloads ------------------------------------------------------------------------------------

/** `workspace.member_joined|member_updated|member_left`: the member plus its workspace. */
export const workspaceMemberEventSchema = {
  ...memberViewSchema,
  title: 'WorkspaceMemberEvent',
  properties: { ...memberViewSchema.properties, workspaceId: uuid },
  required: [...memberViewSchema.required, 'workspaceId'],
} as const;

/** `channel.created|updated|archived`: the channel plus `channelId` (equal to `id`). */
export const channelEventSchema = {
  ...channelViewSchema,
  title: 'ChannelEvent',
  properties: { ...channelViewSchema.properties, channelId: uuid },
  required: [...channelViewSchema.required, 'channelId'],
} as const;

/** `channel.member_joined|member_left`. */
export const channelMemberEventSchema = {
  title: 'ChannelMemberEvent',
  type: 'object',
  properties: {
    workspaceId: uuid,
    channelId: uuid,
    userId: uuid,
    /** Who added or removed them, when it was not themself. */
    actorId: uuid,
  },
  required: ['workspaceId', 'channelId', 'userId'],
  additionalProperties: false,
} as const;

/**
 * `channel.read`: the reader's marker moved (read up to a message, or marked unread from one). Delivered only
 * to the reader (their other tabs and devices clear or restore their badges). Counts stop at 100 ("99+").
 */
export const channelReadEventSchema = {
  title: 'ChannelReadEvent',
  type: 'object',
  properties: {
    workspaceId: uuid,
    channelId: uuid,
    userId: uuid,
    /** The last channel message read; null when none is (everything is unread). */
    lastReadId: nullableUuid,
    unreadCount: { type: 'integer', minimum: 0, maximum: 100 },
    mentionCount: { type: 'integer', minimum: 0, maximum: 100 },
  },
  required: ['workspaceId', 'channelId', 'userId', 'lastReadId', 'unreadCount', 'mentionCount'],
  additionalProperties: false,
} as const;

/** `message.deleted`: what is left of the message (enough to drop it from a timeline or thread). */
export const messageDeletedEventSchema = {
  title: 'MessageDeletedEvent',
  type: 'object',
  properties: { id: uuid, workspaceId: uuid, channelId: uuid, threadId: nullableUuid },
  required: ['id', 'workspaceId', 'channelId', 'threadId'],
  additionalProperties: false,
} as const;

/** `reaction.added|removed`: one person's reaction. */
export const reactionEventSchema = {
  title: 'ReactionEvent',
  type: 'object',
  properties: {
    workspaceId: uuid,
    channelId: uuid,
    messageId: uuid,
    userId: uuid,
    emoji: { type: 'string', minLength: 1 },
  },
  required: ['workspaceId', 'channelId', 'messageId', 'userId', 'emoji'],
  additionalProperties: false,
} as const;

// Calls: the resource as `POST /channels/:channelId/calls` returns it, plus `workspaceId`.

/** A call as `POST /channels/:channelId/calls` returns it: `participants` are user ids. */
export const callViewSchema = {
  title: 'CallView',
  type: 'object',
  properties: { id: uuid, channelId: uuid, participants: uuids },
  required: ['id', 'channelId', 'participants'],
  additionalProperties: false,
} as const;

/** `call.started|ended`: the call plus its workspace (`participants` is empty once ended). */
export const callEventSchema = {
  ...callViewSchema,
  title: 'CallEvent',
  properties: { ...callViewSchema.properties, workspaceId: uuid },
  required: [...callViewSchema.required, 'workspaceId'],
} as const;

/** `call.participant_joined|left`: the call after the change, and who joined or left. */
export const callParticipantEventSchema = {
  ...callEventSchema,
  title: 'CallParticipantEvent',
  properties: { ...callEventSchema.properties, userId: uuid },
  required: [...callEventSchema.required, 'userId'],
} as const;

/** `webhook.disabled`: an outgoing webhook stopped (410 Gone, or days of failures); workspace admins only. */
export const webhookDisabledEventSchema = {
  title: 'WebhookDisabledEvent',
  type: 'object',
  properties: {
    id: uuid,
    workspaceId: uuid,
    url: { type: 'string' },
    reason: { type: 'string' },
    disabledAt: dateTime,
  },
  required: ['id', 'workspaceId', 'url', 'reason', 'disabledAt'],
  additionalProperties: false,
} as const;

/** What an import counted: created or matched accounts, conversations, messages and what hangs off them. */
const count = { type: 'integer', minimum: 0 } as const;
const importCounts = {
  type: 'object',
  properties: {
    users: count,
    matchedUsers: count,
    deactivatedUsers: count,
    bots: count,
    channels: count,
    matchedChannels: count,
    directMessages: count,
    messages: count,
    replies: count,
    reactions: count,
    mentions: count,
    files: count,
    /** Of those, downloaded with the import's download token and stored here (attached to their message). */
    filesStored: count,
    skippedMessages: count,
  },
  required: [
    'users',
    'matchedUsers',
    'deactivatedUsers',
    'bots',
    'channels',
    'matchedChannels',
    'directMessages',
    'messages',
    'replies',
    'reactions',
    'mentions',
    'files',
    'filesStored',
    'skippedMessages',
  ],
  additionalProperties: false,
} as const;

/**
 * A Slack export import (`GET /workspaces/:workspaceId/imports/:importId`), and the payload of `import.progress`,
 * told to the person who started it as it runs. `skipped` lists what was left out, each with its reason.
 */
export const importViewSchema = {
  title: 'ImportView',
  type: 'object',
  properties: {
    id: uuid,
    workspaceId: uuid,
    /** Who started it. */
    userId: uuid,
    status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
    archiveName: { type: 'string' },
    archiveBytes: { type: 'integer', minimum: 0 },
    dayFilesTotal: { type: 'integer', minimum: 0 },
    dayFilesDone: { type: 'integer', minimum: 0 },
    counts: importCounts,
    skipped: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          /** What was skipped: a file of the export, or a kind of item (`message`, `user`, ...). */
          item: { type: 'string' },
          reason: { type: 'string' },
          count: { type: 'integer', minimum: 1 },
          /** A few of them (`general/2024-01-31.json` or a Slack ts), to look them up in the export. */
          examples: { type: 'array', items: { type: 'string' } },
        },
        required: ['item', 'reason', 'count', 'examples'],
        additionalProperties: false,
      },
    },
    error: { type: ['string', 'null'] },
    createdAt: dateTime,
    finishedAt: nullableDateTime,
  },
  required: [
    'id',
    'workspaceId',
    'userId',
    'status',
    'archiveName',
    'archiveBytes',
    'dayFilesTotal',
    'dayFilesDone',
    'counts',
    'skipped',
    'error',
    'createdAt',
    'finishedAt',
  ],
  additionalProperties: false,
} as const;

/**
 * A workspace export in Slack's format (`GET /workspaces/:workspaceId/exports/:exportId`), and the payload of
 * `export.progress`, told to the person who started it as it runs. `downloadUrl` is set once the zip is ready.
 */
export const exportViewSchema = {
  title: 'ExportView',
  type: 'object',
  properties: {
    id: uuid,
    workspaceId: uuid,
    /** Who started it. */
    userId: uuid,
    status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
    /** Whether private channels and direct messages are in it (the server's EXPORT_PRIVATE). */
    includePrivate: { type: 'boolean' },
    conversationsTotal: { type: 'integer', minimum: 0 },
    conversationsDone: { type: 'integer', minimum: 0 },
    counts: {
      type: 'object',
      properties: {
        users: { type: 'integer', minimum: 0 },
        channels: { type: 'integer', minimum: 0 },
        directMessages: { type: 'integer', minimum: 0 },
        messages: { type: 'integer', minimum: 0 },
        replies: { type: 'integer', minimum: 0 },
        reactions: { type: 'integer', minimum: 0 },
        files: { type: 'integer', minimum: 0 },
      },
      required: ['users', 'channels', 'directMessages', 'messages', 'replies', 'reactions', 'files'],
      additionalProperties: false,
    },
    /** The zip's size once written. */
    archiveBytes: { type: ['integer', 'null'], minimum: 0 },
    /** Where the zip is downloaded (its owner's token), once it is done. */
    downloadUrl: { type: ['string', 'null'] },
    error: { type: ['string', 'null'] },
    createdAt: dateTime,
    finishedAt: nullableDateTime,
    /** When the zip is removed (EXPORT_RETENTION_HOURS after it ended). */
    expiresAt: nullableDateTime,
  },
  required: [
    'id',
    'workspaceId',
    'userId',
    'status',
    'includePrivate',
    'conversationsTotal',
    'conversationsDone',
    'counts',
    'archiveBytes',
    'downloadUrl',
    'error',
    'createdAt',
    'finishedAt',
    'expiresAt',
  ],
  additionalProperties: false,
} as const;

// ---- The catalogue -------------------------------------------------------------------------------------

/** Every domain event by name (part of the public contract), with its payload's draft-07 schema. */
export const eventSchemas = {
  'workspace.member_joined': { $schema: JSON_SCHEMA_DRAFT_07, ...workspaceMemberEventSchema },
  /** Role changes (consumers re-evaluate what the member may see), and changes of name or avatar. */
  'workspace.member_updated': { $schema: JSON_SCHEMA_DRAFT_07, ...workspaceMemberEventSchema },
  'workspace.member_left': { $schema: JSON_SCHEMA_DRAFT_07, ...workspaceMemberEventSchema },
  'channel.created': { $schema: JSON_SCHEMA_DRAFT_07, ...channelEventSchema },
  'channel.updated': { $schema: JSON_SCHEMA_DRAFT_07, ...channelEventSchema },
  'channel.archived': { $schema: JSON_SCHEMA_DRAFT_07, ...channelEventSchema },
  'channel.member_joined': { $schema: JSON_SCHEMA_DRAFT_07, ...channelMemberEventSchema },
  'channel.member_left': { $schema: JSON_SCHEMA_DRAFT_07, ...channelMemberEventSchema },
  'channel.read': { $schema: JSON_SCHEMA_DRAFT_07, ...channelReadEventSchema },
  'message.created': { $schema: JSON_SCHEMA_DRAFT_07, ...messageViewSchema },
  'message.updated': { $schema: JSON_SCHEMA_DRAFT_07, ...messageViewSchema },
  'message.deleted': { $schema: JSON_SCHEMA_DRAFT_07, ...messageDeletedEventSchema },
  'reaction.added': { $schema: JSON_SCHEMA_DRAFT_07, ...reactionEventSchema },
  'reaction.removed': { $schema: JSON_SCHEMA_DRAFT_07, ...reactionEventSchema },
  /** Not tied to a channel until it is attached to a message, so there is no `channelId`. */
  'file.uploaded': { $schema: JSON_SCHEMA_DRAFT_07, ...fileViewSchema },
  'webhook.disabled': { $schema: JSON_SCHEMA_DRAFT_07, ...webhookDisabledEventSchema },
  'call.started': { $schema: JSON_SCHEMA_DRAFT_07, ...callEventSchema },
  'call.participant_joined': { $schema: JSON_SCHEMA_DRAFT_07, ...callParticipantEventSchema },
  'call.participant_left': { $schema: JSON_SCHEMA_DRAFT_07, ...callParticipantEventSchema },
  'call.ended': { $schema: JSON_SCHEMA_DRAFT_07, ...callEventSchema },
  /** A Slack export import moved on (counts, status); only to the person who started it. */
  'import.progress': { $schema: JSON_SCHEMA_DRAFT_07, ...importViewSchema },
  /** A workspace export moved on (counts, status, its download once done); only to the person who started it. */
  'export.progress': { $schema: JSON_SCHEMA_DRAFT_07, ...exportViewSchema },
} as const;

export type EventName = keyof typeof eventSchemas;

/** The `data` of the event named `N`. */
export type EventPayload<N extends EventName> = FromSchema<(typeof eventSchemas)[N]>;

/** A `{type, data}` pair narrowed by its name (`switch (event.type)` narrows `event.data`). */
export type DomainEvent<N extends EventName = EventName> = {
  [K in N]: { type: K; data: EventPayload<K> };
}[N];

export type Role = (typeof ROLES)[number];
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export type MemberView = FromSchema<typeof memberViewSchema>;
export type ChannelView = FromSchema<typeof channelViewSchema>;
export type FileView = FromSchema<typeof fileViewSchema>;
export type ReactionView = FromSchema<typeof reactionViewSchema>;
export type MessageView = FromSchema<typeof messageViewSchema>;
export type WorkspaceMemberEvent = FromSchema<typeof workspaceMemberEventSchema>;
export type ChannelEvent = FromSchema<typeof channelEventSchema>;
export type ChannelMemberEvent = FromSchema<typeof channelMemberEventSchema>;
export type ChannelReadEvent = FromSchema<typeof channelReadEventSchema>;
export type MessageDeletedEvent = FromSchema<typeof messageDeletedEventSchema>;
export type ReactionEvent = FromSchema<typeof reactionEventSchema>;
export type CallView = FromSchema<typeof callViewSchema>;
export type CallEvent = FromSchema<typeof callEventSchema>;
export type CallParticipantEvent = FromSchema<typeof callParticipantEventSchema>;
