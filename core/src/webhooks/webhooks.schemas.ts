import { eventSchemas } from '@jokkaer/sdk-plugin';
import type { FromSchema } from 'json-schema-to-ts';
import { textUnlessRich } from '../messages/messages.schemas';

const uuid = { type: 'string', format: 'uuid' } as const;
const url = { type: 'string', minLength: 1, maxLength: 2048, pattern: '^https?://' } as const;
/** Every domain event may be subscribed to, by its contract name. */
export const eventNameSchema = { type: 'string', enum: Object.keys(eventSchemas) } as const;
const events = {
  type: 'array',
  items: eventNameSchema,
  minItems: 1,
  maxItems: 50,
  uniqueItems: true,
} as const;
/** null (or absent): every channel the creator can see. */
const channelIds = { type: 'array', nullable: true, items: uuid, maxItems: 100, uniqueItems: true } as const;

export const createWebhookSchema = {
  type: 'object',
  properties: { url, events, channelIds },
  required: ['url', 'events'],
  additionalProperties: false,
} as const;
export interface CreateWebhookBody {
  url: string;
  events: string[];
  channelIds?: string[] | null;
}

export const updateWebhookSchema = {
  type: 'object',
  properties: { url, events, channelIds, enabled: { type: 'boolean' } },
  minProperties: 1,
  additionalProperties: false,
} as const;
export type UpdateWebhookBody = Partial<CreateWebhookBody> & { enabled?: boolean };

export const rotateSecretSchema = {
  type: 'object',
  properties: {
    /** How long the previous secret keeps signing alongside the new one (default 24 h, at most 7 days). */
    graceSeconds: { type: 'integer', minimum: 0, maximum: 604_800 },
  },
  additionalProperties: false,
} as const;
export type RotateSecretBody = FromSchema<typeof rotateSecretSchema>;

export const recoverSchema = {
  type: 'object',
  properties: { since: { type: 'string', format: 'date-time' } },
  required: ['since'],
  additionalProperties: false,
} as const;
export type RecoverBody = FromSchema<typeof recoverSchema>;

export const deliveriesQuerySchema = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: { type: 'string', minLength: 1, maxLength: 500 },
    status: { type: 'string', enum: ['pending', 'succeeded', 'failed', 'aborted'] },
  },
  additionalProperties: false,
} as const;
export type DeliveriesQuery = FromSchema<typeof deliveriesQuerySchema>;

export const createIncomingWebhookSchema = {
  type: 'object',
  properties: { name: { type: 'string', minLength: 1, maxLength: 80, pattern: '\\S' } },
  required: ['name'],
  additionalProperties: false,
} as const;
export type CreateIncomingWebhookBody = FromSchema<typeof createIncomingWebhookSchema>;

/**
 * Slack's incoming-webhook payload: text, blocks or attachments (or several), checked in full against the Block
 * Kit subset by the messages service; other fields Slack has and this server does not use are ignored.
 */
export const slackPayloadSchema = {
  type: 'object',
  properties: {
    text: { type: 'string', maxLength: 40_000 },
    blocks: { type: 'array', items: { type: 'object' } },
    attachments: { type: 'array', items: { type: 'object' } },
    username: { type: 'string', minLength: 1, maxLength: 80 },
    icon_url: { type: 'string', maxLength: 2048, pattern: '^https?://' },
    thread_ts: { type: 'string', minLength: 1, maxLength: 100 },
  },
  ...textUnlessRich,
} as const;
export type SlackPayload = FromSchema<typeof slackPayloadSchema>;

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'aborted';

export interface WebhookView {
  id: string;
  workspaceId: string;
  url: string;
  events: string[];
  channelIds: string[] | null;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface AttemptView {
  attemptedAt: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

export interface DeliveryView {
  id: string;
  /** The `webhook-id` header: the same on every attempt of this message. */
  messageId: string;
  eventType: string;
  eventSeq: number;
  status: DeliveryStatus;
  attempts: AttemptView[];
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface IncomingWebhookView {
  id: string;
  channelId: string;
  name: string;
  botUserId: string;
  createdAt: string;
}
