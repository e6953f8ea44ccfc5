import type { FromSchema } from 'json-schema-to-ts';
import { appScopesSchema as scopes } from '../common/auth-context';
import { eventNameSchema } from '../webhooks/webhooks.schemas';

export const createAppSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 80, pattern: '\\S' },
    /** Matched exactly, character for character, when an app asks to be sent back to one. */
    redirectUris: {
      type: 'array',
      items: {
        type: 'string',
        maxLength: 2048,
        pattern: '^(https://|http://(localhost|127\\.0\\.0\\.1)(:|/))',
      },
      minItems: 1,
      maxItems: 10,
      uniqueItems: true,
    },
    scopes: { ...scopes, minItems: 1 },
    commands: {
      type: 'array',
      maxItems: 25,
      items: {
        type: 'object',
        properties: {
          command: { type: 'string', pattern: '^/[a-z0-9_-]{1,32}$' },
          url: { type: 'string', maxLength: 2048, pattern: '^https?://' },
          description: { type: 'string', maxLength: 200 },
          usage: { type: 'string', maxLength: 200 },
        },
        required: ['command', 'url', 'description'],
        additionalProperties: false,
      },
    },
    eventsUrl: { type: 'string', maxLength: 2048, pattern: '^https?://' },
    events: {
      type: 'array',
      items: eventNameSchema,
      maxItems: 50,
      uniqueItems: true,
    },
  },
  required: ['name', 'redirectUris', 'scopes'],
  additionalProperties: false,
} as const;
export type CreateAppBody = FromSchema<typeof createAppSchema>;

export const installAppSchema = {
  type: 'object',
  properties: {
    /** A subset of what the app asks for; all of it when omitted. */
    scopes,
  },
  additionalProperties: false,
} as const;
export type InstallAppBody = FromSchema<typeof installAppSchema>;

export interface AppCommand {
  command: string;
  url: string;
  description: string;
  usage?: string;
}

export interface AppView {
  id: string;
  workspaceId: string;
  name: string;
  clientId: string;
  redirectUris: string[];
  scopes: string[];
  commands: AppCommand[];
  eventsUrl: string | null;
  events: string[];
  createdBy: string;
  createdAt: string;
}

export interface InstallView {
  id: string;
  appId: string;
  workspaceId: string;
  botUserId: string;
  scopes: string[];
  installedBy: string;
  createdAt: string;
}

/** What an app answers to a slash command, now or through its response_url (Slack's fields; others ignored). */
export const commandAnswerSchema = {
  type: 'object',
  properties: {
    text: { type: 'string', maxLength: 40_000 },
    response_type: { type: 'string', enum: ['ephemeral', 'in_channel'] },
  },
} as const;
export type CommandAnswer = FromSchema<typeof commandAnswerSchema>;
