import type { FromSchema } from 'json-schema-to-ts';

/** Frames a client may send on the socket. */
export const clientFrameSchema = {
  oneOf: [
    {
      type: 'object',
      properties: { type: { const: 'resume' }, afterSeq: { type: 'integer', minimum: 0 } },
      required: ['type', 'afterSeq'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { type: { const: 'typing' }, channelId: { type: 'string', format: 'uuid' } },
      required: ['type', 'channelId'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { type: { const: 'presence' }, status: { enum: ['online', 'away'] } },
      required: ['type', 'status'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { type: { const: 'ping' } },
      required: ['type'],
      additionalProperties: false,
    },
  ],
} as const;

export type ClientFrame =
  | { type: 'resume'; afterSeq: number }
  | { type: 'typing'; channelId: string }
  | { type: 'presence'; status: 'online' | 'away' }
  | { type: 'ping' };

export type PresenceStatus = 'online' | 'away' | 'offline';

/** Close codes the server uses (documented in README). */
export const CLOSE = {
  goingAway: 1001,
  unauthorized: 4001,
  slowConsumer: 4008,
} as const;

export const ticketViewSchema = {
  title: 'TicketView',
  type: 'object',
  properties: { ticket: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } },
  required: ['ticket', 'expiresAt'],
  additionalProperties: false,
} as const;
export type TicketView = FromSchema<typeof ticketViewSchema>;

export const presenceListSchema = {
  title: 'PresenceList',
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          userId: { type: 'string', format: 'uuid' },
          status: { enum: ['online', 'away', 'offline'] },
        },
        required: ['userId', 'status'],
        additionalProperties: false,
      },
    },
  },
  required: ['items'],
  additionalProperties: false,
} as const;
