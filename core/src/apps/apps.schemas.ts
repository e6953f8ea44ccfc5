import { MAX_TEXT_LENGTH } from '@jokkaer/sdk-plugin';
import type { FromSchema } from 'json-schema-to-ts';
import { appScopesSchema as scopes } from '../common/auth-context';
import { SLACK_EVENT_TYPES } from '../slack/slack-events';
import { blockActionProperties } from '../slack/slack.schemas';
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
    /** Slack's Interactivity request URL: block_actions, view_submission and view_closed payloads. */
    interactivityUrl: { type: 'string', maxLength: 2048, pattern: '^https?://' },
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

/**
 * Slack's Event Subscriptions: the request URL must answer Slack's signed `url_verification` challenge (so it
 * is set once the app knows its signing secret); its installs are then sent these Slack event types in
 * Slack's `event_callback` envelope. A null URL stops them.
 */
export const slackEventsSchema = {
  type: 'object',
  properties: {
    url: { type: ['string', 'null'], maxLength: 2048, pattern: '^https?://' },
    events: {
      type: 'array',
      items: { type: 'string', enum: SLACK_EVENT_TYPES },
      uniqueItems: true,
    },
  },
  required: ['url'],
  additionalProperties: false,
} as const;
export type SlackEventsBody = FromSchema<typeof slackEventsSchema>;

export const installAppSchema = {
  type: 'object',
  properties: {
    /** A subset of what the app asks for; all of it when omitted. */
    scopes,
  },
  additionalProperties: false,
} as const;
export type InstallAppBody = FromSchema<typeof installAppSchema>;

const uuid = { type: 'string', format: 'uuid' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;

const appCommandSchema = {
  type: 'object',
  properties: {
    command: { type: 'string' },
    url: { type: 'string' },
    description: { type: 'string' },
    usage: { type: 'string' },
  },
  required: ['command', 'url', 'description'],
  additionalProperties: false,
} as const;
export type AppCommand = FromSchema<typeof appCommandSchema>;

export const appViewSchema = {
  title: 'AppView',
  type: 'object',
  properties: {
    id: uuid,
    workspaceId: uuid,
    name: { type: 'string' },
    clientId: { type: 'string' },
    redirectUris: strings,
    scopes: strings,
    commands: { type: 'array', items: appCommandSchema },
    eventsUrl: { type: ['string', 'null'] },
    events: strings,
    slackEventsUrl: { type: ['string', 'null'] },
    slackEvents: strings,
    interactivityUrl: { type: ['string', 'null'] },
    createdBy: uuid,
    createdAt: dateTime,
  },
  required: [
    'id',
    'workspaceId',
    'name',
    'clientId',
    'redirectUris',
    'scopes',
    'commands',
    'eventsUrl',
    'events',
    'slackEventsUrl',
    'slackEvents',
    'interactivityUrl',
    'createdBy',
    'createdAt',
  ],
  additionalProperties: false,
} as const;
export type AppView = FromSchema<typeof appViewSchema>;

export const appListSchema = {
  title: 'AppList',
  type: 'object',
  properties: { items: { type: 'array', items: appViewSchema } },
  required: ['items'],
  additionalProperties: false,
} as const;

/** An app with the secret that signs its requests and events (admins may read it again). */
export const appWithSigningSecretViewSchema = {
  ...appViewSchema,
  title: 'AppWithSigningSecretView',
  properties: { ...appViewSchema.properties, signingSecret: { type: 'string' } },
  required: [...appViewSchema.required, 'signingSecret'],
} as const;

/** What registering an app answers: its client secret too, shown this once. */
export const createdAppViewSchema = {
  ...appWithSigningSecretViewSchema,
  title: 'CreatedAppView',
  properties: { ...appWithSigningSecretViewSchema.properties, clientSecret: { type: 'string' } },
  required: [...appWithSigningSecretViewSchema.required, 'clientSecret'],
} as const;

const installViewSchema = {
  title: 'InstallView',
  type: 'object',
  properties: {
    id: uuid,
    appId: uuid,
    workspaceId: uuid,
    botUserId: uuid,
    scopes: strings,
    installedBy: uuid,
    createdAt: dateTime,
  },
  required: ['id', 'appId', 'workspaceId', 'botUserId', 'scopes', 'installedBy', 'createdAt'],
  additionalProperties: false,
} as const;
export type InstallView = FromSchema<typeof installViewSchema>;

/** What installing answers: the install's bot token, shown this once. */
export const createdInstallViewSchema = {
  ...installViewSchema,
  title: 'CreatedInstallView',
  properties: { ...installViewSchema.properties, token: { type: 'string' } },
  required: [...installViewSchema.required, 'token'],
} as const;

const installedAppViewSchema = {
  ...installViewSchema,
  title: 'InstalledAppView',
  properties: { ...installViewSchema.properties, appName: { type: 'string' } },
  required: [...installViewSchema.required, 'appName'],
} as const;
export type InstalledAppView = FromSchema<typeof installedAppViewSchema>;

export const installedAppListSchema = {
  title: 'InstalledAppList',
  type: 'object',
  properties: { items: { type: 'array', items: installedAppViewSchema } },
  required: ['items'],
  additionalProperties: false,
} as const;

/** What an app answers to a slash command, now or through its response_url (Slack's fields; others ignored). */
export const commandAnswerSchema = {
  type: 'object',
  properties: {
    text: { type: 'string', maxLength: MAX_TEXT_LENGTH },
    response_type: { type: 'string', enum: ['ephemeral', 'in_channel'] },
    /** Block Kit content, checked in full by the messages service. */
    blocks: { type: 'array', items: { type: 'object' } },
    attachments: { type: 'array', items: { type: 'object' } },
    /** After a block action: the message acted on is replaced by this answer, or deleted. */
    replace_original: { type: 'boolean' },
    delete_original: { type: 'boolean' },
  },
} as const;
export type CommandAnswer = FromSchema<typeof commandAnswerSchema>;

/** Slack's app-level token: `connections:write` opens Socket Mode connections for the app. */
export const createAppTokenSchema = {
  type: 'object',
  properties: {
    scopes: {
      type: 'array',
      items: { type: 'string', enum: ['connections:write'] },
      minItems: 1,
      uniqueItems: true,
    },
  },
  required: ['scopes'],
  additionalProperties: false,
} as const;
export type CreateAppTokenBody = FromSchema<typeof createAppTokenSchema>;

/** An app-level token as created: the token itself is shown this once. */
export const createdAppTokenViewSchema = {
  title: 'CreatedAppTokenView',
  type: 'object',
  properties: { id: uuid, appId: uuid, scopes: strings, createdAt: dateTime, token: { type: 'string' } },
  required: ['id', 'appId', 'scopes', 'createdAt', 'token'],
  additionalProperties: false,
} as const;

/** A person's click or choice on a message's interactive element (Slack's block_actions). */
export const messageActionSchema = {
  type: 'object',
  properties: blockActionProperties,
  required: ['blockId', 'actionId'],
  additionalProperties: false,
} as const;
export type MessageActionBody = FromSchema<typeof messageActionSchema>;

export const messageActionResultSchema = {
  title: 'MessageActionResult',
  type: 'object',
  properties: { delivered: { type: 'boolean' } },
  required: ['delivered'],
  additionalProperties: false,
} as const;
