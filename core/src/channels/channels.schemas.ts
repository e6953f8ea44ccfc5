import { channelViewSchema } from '@jokkaer/sdk-plugin';
import type { FromSchema } from 'json-schema-to-ts';

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

export type ChannelKind = 'public' | 'private' | 'dm';

export interface ChannelView {
  id: string;
  workspaceId: string;
  /** null for direct conversations */
  name: string | null;
  kind: ChannelKind;
  topic: string;
  archived: boolean;
  createdBy: string;
  createdAt: string;
  /** The people in a direct conversation (DMs only). */
  memberIds?: string[];
}

export type ChannelListItem = ChannelView & { isMember: boolean };

/** A channel in `GET /workspaces/:workspaceId/channels`: its view, and whether the caller belongs to it. */
export const channelListItemSchema = {
  allOf: [
    channelViewSchema,
    { type: 'object', properties: { isMember: { type: 'boolean' } }, required: ['isMember'] },
  ],
} as const;
