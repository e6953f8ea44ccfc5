import { eventSchemas, MAX_TEXT_LENGTH } from '@jokkaer/sdk-plugin';
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
    text: { type: 'string', maxLength: MAX_TEXT_LENGTH },
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

const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;
const nullableString = { type: ['string', 'null'] } as const;

/** An outgoing webhook as the API returns it (never its secrets). */
export const webhookViewSchema = {
  title: 'WebhookView',
  type: 'object',
  properties: {
    id: uuid,
    workspaceId: uuid,
    url: { type: 'string' },
    events: { type: 'array', items: { type: 'string' } },
    /** null: every channel its creator can see. */
    channelIds: { type: ['array', 'null'], items: uuid },
    enabled: { type: 'boolean' },
    /** Why the platform disabled it (continuous failures); null when enabled or disabled by hand. */
    disabledReason: nullableString,
    /** Since when every attempt has failed; null while deliveries succeed. */
    failingSince: nullableDateTime,
    createdBy: uuid,
    createdAt: dateTime,
    updatedAt: dateTime,
  },
  required: [
    'id',
    'workspaceId',
    'url',
    'events',
    'channelIds',
    'enabled',
    'disabledReason',
    'failingSince',
    'createdBy',
    'createdAt',
    'updatedAt',
  ],
  additionalProperties: false,
} as const;
export type WebhookView = FromSchema<typeof webhookViewSchema>;

/** What creating a webhook answers: the view and its signing secret, shown this once. */
export const createdWebhookViewSchema = {
  ...webhookViewSchema,
  title: 'CreatedWebhookView',
  properties: { ...webhookViewSchema.properties, secret: { type: 'string' } },
  required: [...webhookViewSchema.required, 'secret'],
} as const;

export const rotatedSecretViewSchema = {
  title: 'RotatedSecretView',
  type: 'object',
  properties: {
    /** The new signing secret (`whsec_…`), shown this once. */
    secret: { type: 'string' },
    /** Until when the previous secret signs alongside it; null when it stopped at once. */
    previousExpiresAt: nullableDateTime,
  },
  required: ['secret', 'previousExpiresAt'],
  additionalProperties: false,
} as const;

const attemptViewSchema = {
  type: 'object',
  properties: {
    attemptedAt: dateTime,
    /** The receiver's HTTP status; null when no answer came (see error). */
    statusCode: { type: ['integer', 'null'] },
    durationMs: { type: 'number' },
    error: nullableString,
    /** The first bytes of the receiver's answer. */
    responseExcerpt: nullableString,
  },
  required: ['attemptedAt', 'statusCode', 'durationMs', 'error', 'responseExcerpt'],
  additionalProperties: false,
} as const;
export type AttemptView = FromSchema<typeof attemptViewSchema>;

export const deliveryViewSchema = {
  title: 'DeliveryView',
  type: 'object',
  properties: {
    id: uuid,
    /** The `webhook-id` header: the same on every attempt of this message. */
    messageId: { type: 'string' },
    eventType: { type: 'string' },
    eventSeq: { type: 'integer' },
    status: { type: 'string', enum: ['pending', 'succeeded', 'failed', 'aborted'] },
    attempts: { type: 'array', items: attemptViewSchema },
    nextAttemptAt: nullableDateTime,
    lastError: nullableString,
    createdAt: dateTime,
    finishedAt: nullableDateTime,
  },
  required: [
    'id',
    'messageId',
    'eventType',
    'eventSeq',
    'status',
    'attempts',
    'nextAttemptAt',
    'lastError',
    'createdAt',
    'finishedAt',
  ],
  additionalProperties: false,
} as const;
export type DeliveryView = FromSchema<typeof deliveryViewSchema>;

export const incomingWebhookViewSchema = {
  title: 'IncomingWebhookView',
  type: 'object',
  properties: {
    id: uuid,
    channelId: uuid,
    name: { type: 'string' },
    botUserId: uuid,
    createdBy: uuid,
    createdAt: dateTime,
  },
  required: ['id', 'channelId', 'name', 'botUserId', 'createdBy', 'createdAt'],
  additionalProperties: false,
} as const;
export type IncomingWebhookView = FromSchema<typeof incomingWebhookViewSchema>;

/** A hook with its secret URL: answered when it is created or its URL regenerated, and never again. */
export const incomingWebhookWithUrlViewSchema = {
  ...incomingWebhookViewSchema,
  title: 'IncomingWebhookWithUrlView',
  properties: { ...incomingWebhookViewSchema.properties, url: { type: 'string' } },
  required: [...incomingWebhookViewSchema.required, 'url'],
} as const;

export const incomingWebhookListSchema = {
  title: 'IncomingWebhookList',
  type: 'object',
  properties: { items: { type: 'array', items: incomingWebhookViewSchema } },
  required: ['items'],
  additionalProperties: false,
} as const;

export const webhookListSchema = {
  title: 'WebhookList',
  type: 'object',
  properties: { items: { type: 'array', items: webhookViewSchema } },
  required: ['items'],
  additionalProperties: false,
} as const;

export const redeliveryViewSchema = {
  title: 'RedeliveryView',
  type: 'object',
  properties: { id: uuid, status: { type: 'string', enum: ['pending'] } },
  required: ['id', 'status'],
  additionalProperties: false,
} as const;

export const recoveryViewSchema = {
  title: 'RecoveryView',
  type: 'object',
  /** How many failed deliveries were queued again. */
  properties: { requeued: { type: 'integer' } },
  required: ['requeued'],
  additionalProperties: false,
} as const;
