import type { FromSchema } from 'json-schema-to-ts';
import { messageViewSchema } from '@jokkaer/sdk-plugin';
import type { RichContent } from '../messages/messages.schemas';

export const runCommandSchema = {
  type: 'object',
  properties: {
    text: { type: 'string', pattern: '^/[a-z][a-z0-9_-]{0,31}(\\s|$)', maxLength: 4000 },
    threadId: { type: 'string', format: 'uuid' },
  },
  required: ['text'],
  additionalProperties: false,
} as const;
export type RunCommandBody = FromSchema<typeof runCommandSchema>;

export const commandAnswerViewSchema = {
  title: 'CommandAnswer',
  type: 'object',
  properties: {
    /** `ephemeral`: for the person who typed the command only; `in_channel`: also posted where it was typed. */
    responseType: { type: 'string', enum: ['ephemeral', 'in_channel'] },
    /** Empty when the answer comes later (an app's response_url); else also the fallback of its blocks. */
    text: { type: 'string' },
    /** An app's Block Kit answer, as a message shows it (its controls are not live: the answer is not stored). */
    blocks: messageViewSchema.properties.blocks,
    attachments: messageViewSchema.properties.attachments,
  },
  required: ['responseType', 'text'],
  additionalProperties: false,
} as const;

const commandSourceSchema = {
  type: 'object',
  properties: {
    /** `builtin`: the server's own (`/help`). */
    kind: { type: 'string', enum: ['builtin', 'plugin', 'app'] },
    /** The plugin's id, the app's id, or the built-in command's name. */
    id: { type: 'string' },
    name: { type: 'string' },
  },
  required: ['kind', 'id', 'name'],
  additionalProperties: false,
} as const;
export type CommandSource = FromSchema<typeof commandSourceSchema>;

/** One entry of `GET /workspaces/:workspaceId/commands`. */
export const commandViewSchema = {
  title: 'CommandView',
  type: 'object',
  properties: {
    /** With its slash, as typed: `/task`. */
    command: { type: 'string' },
    description: { type: 'string' },
    /** What follows the command (`add <text> | list`), or null. */
    usage: { type: ['string', 'null'] },
    source: commandSourceSchema,
  },
  required: ['command', 'description', 'usage', 'source'],
  additionalProperties: false,
} as const;
export type CommandView = FromSchema<typeof commandViewSchema>;

export const commandListSchema = {
  title: 'CommandList',
  type: 'object',
  properties: { items: { type: 'array', items: commandViewSchema } },
  required: ['items'],
  additionalProperties: false,
} as const;

export interface CommandInfo {
  /** Without its slash. */
  command: string;
  description: string;
  usage?: string;
  /** Who answers it. */
  source: CommandSource & { kind: 'plugin' | 'app' };
}

export interface CommandRequest {
  workspaceId: string;
  command: string;
  args: string;
  userId: string;
  channelId: string;
  threadId: string | null;
}

export interface CommandResult extends RichContent {
  responseType: 'ephemeral' | 'in_channel';
  text: string;
  /** For in-channel answers: the bot user who posts them. */
  postAs?: string;
}

/** Something that answers slash commands in a workspace (the plugin host, installed apps). */
export interface CommandProvider {
  commands(workspaceId: string): Promise<CommandInfo[]>;
  run(request: CommandRequest): Promise<CommandResult>;
}
