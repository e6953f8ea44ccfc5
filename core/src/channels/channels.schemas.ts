import type { FromSchema } from 'json-schema-to-ts';
import { pageSchema } from '../common/pagination';

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

/** A channel as the API returns it; also the serializer of the routes that answer one (see Returns). */
export const channelViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    workspaceId: { type: 'string' },
    name: { type: ['string', 'null'], description: 'null for direct conversations' },
    kind: { type: 'string', enum: ['public', 'private', 'dm'] },
    topic: { type: 'string' },
    archived: { type: 'boolean' },
    createdBy: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    memberIds: {
      type: 'array',
      items: { type: 'string' },
      description: 'The people in a direct conversation (DMs only).',
    },
  },
  required: ['id', 'workspaceId', 'name', 'kind', 'topic', 'archived', 'createdBy', 'createdAt'],
  additionalProperties: false,
} as const;
export type ChannelView = FromSchema<typeof channelViewSchema>;
export type ChannelKind = ChannelView['kind'];

const channelListItemSchema = {
  ...channelViewSchema,
  properties: { ...channelViewSchema.properties, isMember: { type: 'boolean' } },
  required: [...channelViewSchema.required, 'isMember'],
} as const;
export type ChannelListItem = FromSchema<typeof channelListItemSchema>;
export const channelPageSchema = pageSchema(channelListItemSchema);
