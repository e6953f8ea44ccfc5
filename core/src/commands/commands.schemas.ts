import type { FromSchema } from 'json-schema-to-ts';

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

export interface CommandInfo {
  command: string;
  description: string;
  usage?: string;
  /** Who answers it: a plugin id today, an app later. */
  providedBy: string;
}

export interface CommandRequest {
  workspaceId: string;
  command: string;
  args: string;
  userId: string;
  channelId: string;
  threadId: string | null;
}

export interface CommandResult {
  responseType: 'ephemeral' | 'in_channel';
  text: string;
  /** For in-channel answers: the bot user who posts them. */
  postAs?: string;
}

/** Something that answers slash commands in a workspace (the plugin host; apps later). */
export interface CommandProvider {
  commands(workspaceId: string): Promise<CommandInfo[]>;
  run(request: CommandRequest): Promise<CommandResult>;
}
