import { channelViewSchema } from '@jokkaer/sdk-plugin';
import type { FromSchema } from 'json-schema-to-ts';
import { pageSchema } from '../common/pagination';

/** A channel as the API returns it; also the serializer of the routes that answer one (see Returns). */
export { channelViewSchema };

const name = { type: 'string', pattern: '^[a-z0-9_-]{1,80}$' } as const;
const topic = { type: 'string', maxLength: 250 } as const;
const uuid = { type: 'string', format: 'uuid' } as const;

export const createChannelSchema = {
  type: 'object',
  properties: { name, kind: { type: 'string', enum: ['public', 'private'] }, topic },
  required: ['name', 'kind'],
  additionalProperties: false,
} as const;
export type CreateChannelBody = FromSchema<typeof createChannelSchema>;

export const updateChannelSchema = {
  type: 'object',
  properties: { name, topic, archived: { type: 'boolean' } },
  minProperties: 1,
  additionalProperties: false,
} as const;
export type UpdateChannelBody = FromSchema<typeof updateChannelSchema>;

export const createDmSchema = {
  type: 'object',
  properties: { userIds: { type: 'array', items: uuid, minItems: 1, maxItems: 8, uniqueItems: true } },
  required: ['userIds'],
  additionalProperties: false,
} as const;
export type CreateDmBody = FromSchema<typeof createDmSchema>;

export const addMemberSchema = {
  type: 'object',
  properties: { userId: uuid },
  required: ['userId'],
  additionalProperties: false,
} as const;
export type AddMemberBody = FromSchema<typeof addMemberSchema>;

export const markReadSchema = {
  type: 'object',
  properties: {
    messageId: uuid,
    /**
     * Slack's "Mark unread": the marker moves back to just before `messageId`, which becomes the first unread
     * message. Without it the marker only moves forward (a stale tab cannot undo what another one read).
     */
    markUnread: { type: 'boolean', default: false },
  },
  required: ['messageId'],
  additionalProperties: false,
} as const;
export type MarkReadBody = FromSchema<typeof markReadSchema>;

/** A member's notification preferences in one channel. */
export const notificationPreferencesBodySchema = {
  type: 'object',
  properties: {
    /** Slack's mute: no bold for unread messages and no notifications; mentions still count and badge. */
    muted: { type: 'boolean' },
  },
  required: ['muted'],
  additionalProperties: false,
} as const;
export type NotificationPreferencesBody = FromSchema<typeof notificationPreferencesBodySchema>;

/** The answer to `PUT /channels/:channelId/notification-preferences`. */
export const notificationPreferencesSchema = {
  title: 'NotificationPreferences',
  type: 'object',
  properties: { channelId: uuid, muted: { type: 'boolean' } },
  required: ['channelId', 'muted'],
  additionalProperties: false,
} as const;
export type NotificationPreferencesView = FromSchema<typeof notificationPreferencesSchema>;

/** Counts stop here: a client shows "99+" for it. */
export const UNREAD_COUNT_CAP = 100;

const count = { type: 'integer', minimum: 0, maximum: UNREAD_COUNT_CAP } as const;
const readStateProperties = {
  /** The last channel message read; null when none is (or for a channel the caller is not in). */
  lastReadId: { type: ['string', 'null'], format: 'uuid' },
  /** Channel messages of others after the marker (thread replies do not count); 100 means "99+". */
  unreadCount: count,
  /** Of those, the ones that mention the caller (`<@id>`, `@here`, `@channel`); 100 means "99+". */
  mentionCount: count,
} as const;

/** The answer to `POST /channels/:channelId/read`. */
export const readStateSchema = {
  title: 'ReadState',
  type: 'object',
  properties: { channelId: uuid, ...readStateProperties },
  required: ['channelId', 'lastReadId', 'unreadCount', 'mentionCount'],
  additionalProperties: false,
} as const;

/** A channel in `GET /workspaces/:workspaceId/channels`: the channel, the caller's membership and read state. */
export const channelListItemSchema = {
  ...channelViewSchema,
  title: 'ChannelListItem',
  properties: {
    ...channelViewSchema.properties,
    isMember: { type: 'boolean' },
    ...readStateProperties,
    /** The caller muted the channel (false when they are not in it). */
    muted: { type: 'boolean' },
    /**
     * The newest channel message the counts take in (null when none, or for a channel the caller is not in):
     * a client adds to the counts a `message.created` after it, and not one its list already counted.
     */
    countedThroughId: { type: ['string', 'null'], format: 'uuid' },
  },
  required: [
    ...channelViewSchema.required,
    'isMember',
    'lastReadId',
    'unreadCount',
    'mentionCount',
    'muted',
    'countedThroughId',
  ],
} as const;
export const channelPageSchema = pageSchema(channelListItemSchema);

export type ChannelView = FromSchema<typeof channelViewSchema>;
export type ChannelKind = ChannelView['kind'];
/** One member's place in a channel's timeline (thread replies are not counted). */
export type ReadStateView = FromSchema<typeof readStateSchema>;
export type ChannelListItem = FromSchema<typeof channelListItemSchema>;
