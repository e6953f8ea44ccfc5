import type { FromSchema } from 'json-schema-to-ts';

const base64url = (bytes: number) => {
  const length = Math.ceil((bytes * 4) / 3);
  return { type: 'string', pattern: `^[A-Za-z0-9_-]{${length}}={0,2}$` } as const;
};

/** A browser's PushSubscription as `subscription.toJSON()` gives it. */
export const pushSubscriptionBodySchema = {
  type: 'object',
  properties: {
    endpoint: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2048 },
    expirationTime: { type: ['number', 'null'] },
    keys: {
      type: 'object',
      properties: {
        // An uncompressed P-256 point (65 bytes) and a 16-byte secret, base64url (RFC 8291).
        p256dh: base64url(65),
        auth: base64url(16),
      },
      required: ['p256dh', 'auth'],
      additionalProperties: false,
    },
  },
  required: ['endpoint', 'keys'],
  additionalProperties: false,
} as const;
export type PushSubscriptionBody = FromSchema<typeof pushSubscriptionBodySchema>;

export const pushSubscriptionViewSchema = {
  title: 'PushSubscriptionView',
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    endpoint: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'endpoint', 'createdAt'],
  additionalProperties: false,
} as const;
export type PushSubscriptionView = FromSchema<typeof pushSubscriptionViewSchema>;

export const vapidKeySchema = {
  title: 'VapidKey',
  type: 'object',
  properties: {
    publicKey: { type: 'string', description: 'the applicationServerKey for pushManager.subscribe' },
  },
  required: ['publicKey'],
  additionalProperties: false,
} as const;

const clockTime = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' } as const;

/** Quiet hours: no push from `from` to `to` (24-hour "HH:MM", across midnight when `to` is earlier). */
export const pushSettingsSchema = {
  title: 'PushSettings',
  type: 'object',
  properties: {
    quietHours: {
      oneOf: [
        {
          type: 'object',
          properties: {
            from: clockTime,
            to: clockTime,
            timeZone: { type: 'string', minLength: 1, maxLength: 64, description: 'an IANA time zone' },
          },
          required: ['from', 'to', 'timeZone'],
          additionalProperties: false,
        },
        { type: 'null' },
      ],
    },
  },
  required: ['quietHours'],
  additionalProperties: false,
} as const;
export type PushSettings = FromSchema<typeof pushSettingsSchema>;
export type QuietHours = NonNullable<PushSettings['quietHours']>;
