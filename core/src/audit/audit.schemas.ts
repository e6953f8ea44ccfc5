import type { FromSchema } from 'json-schema-to-ts';
import { pageQuerySchema } from '../common/pagination';

/** Every action the audit log records: admin and integration changes, and sign-ins. */
export const AUDIT_ACTIONS = [
  'member.role_changed',
  'member.removed',
  'invite.created',
  'invite.revoked',
  'plugin.installed',
  'plugin.settings_changed',
  'plugin.enabled',
  'plugin.disabled',
  'plugin.uninstalled',
  'plugin.uploaded',
  'webhook.created',
  'webhook.updated',
  'webhook.rotated',
  'webhook.deleted',
  'webhook.redelivered',
  'app.registered',
  'app.installed',
  'app.uninstalled',
  'token.created',
  'token.revoked',
  'password.changed',
  'password.reset',
  'sso.linked',
  'import.started',
  'import.deleted',
  'login.succeeded',
  'login.failed',
  'session.ended',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditQuerySchema = {
  type: 'object',
  properties: {
    ...pageQuerySchema.properties,
    action: { type: 'string', enum: AUDIT_ACTIONS },
    actorId: { type: 'string', format: 'uuid' },
    /** Entries at or after this time. */
    since: { type: 'string', format: 'date-time' },
    /** Entries before this time. */
    until: { type: 'string', format: 'date-time' },
  },
  additionalProperties: false,
} as const;
export type AuditQuery = FromSchema<typeof auditQuerySchema> & { limit: number };

export const auditEntryViewSchema = {
  title: 'AuditEntryView',
  type: 'object',
  properties: {
    id: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    workspaceId: { type: ['string', 'null'], format: 'uuid' },
    action: { type: 'string', enum: AUDIT_ACTIONS },
    /** Who acted: an account (a person, or an app's or plugin's bot) and the token it used; null for sign-in attempts on no account. */
    actor: {
      type: 'object',
      properties: {
        userId: { type: ['string', 'null'], format: 'uuid' },
        displayName: { type: ['string', 'null'] },
        tokenId: { type: ['string', 'null'], format: 'uuid' },
        /** session, personal, bot, plugin, … */
        tokenKind: { type: ['string', 'null'] },
      },
      required: ['userId', 'displayName', 'tokenId', 'tokenKind'],
      additionalProperties: false,
    },
    target: {
      type: 'object',
      properties: { kind: { type: 'string' }, id: { type: 'string' } },
      required: ['kind', 'id'],
      additionalProperties: false,
    },
    clientAddress: { type: ['string', 'null'] },
    userAgent: { type: ['string', 'null'] },
    /** What changed (names and values that are not secret: never a secret's value). */
    summary: { type: 'object' },
  },
  required: [
    'id',
    'createdAt',
    'workspaceId',
    'action',
    'actor',
    'target',
    'clientAddress',
    'userAgent',
    'summary',
  ],
  additionalProperties: false,
} as const;
export type AuditEntryView = FromSchema<typeof auditEntryViewSchema>;
