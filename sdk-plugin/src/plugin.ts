import type { EventName, EventPayload } from './events';

/** A message as plugins see it (and as the REST API returns it). */
export type Message = EventPayload<'message.created'>;
export type Channel = EventPayload<'channel.created'>;

/** Online: a client is connected and active; away: connected but idle or set away; offline: none connected. */
export type PresenceStatus = 'online' | 'away' | 'offline';

export interface User {
  id: string;
  displayName: string;
  isBot: boolean;
}

/** A file's metadata and bytes, as `ctx.files.get` returns them. */
export interface PluginFile {
  id: string;
  name: string;
  contentType: string;
  /** In bytes. */
  size: number;
  /** The file's bytes, base64-encoded (only JSON crosses the sandbox boundary). */
  contentBase64: string;
}

/** What a plugin may do, each capability checked against the permissions an admin granted its install. */
export interface PluginContext {
  /** The workspace this install belongs to. */
  readonly workspaceId: string;
  /** Validated settings of this install (secret fields included; they are write-only through the API). */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly messages: {
    post(input: { channelId: string; text: string; threadId?: string }): Promise<Message>;
    update(input: { messageId: string; text: string }): Promise<Message>;
    /** The message, or null when it does not exist or the bot may not read its channel (needs `messages.read`). */
    get(messageId: string): Promise<Message | null>;
  };
  readonly channels: { get(channelId: string): Promise<Channel | null> };
  readonly users: {
    get(userId: string): Promise<User | null>;
    /** Presence of those of `userIds` in the workspace (others are left out); needs `users.presence`. */
    presence(userIds: string[]): Promise<{ userId: string; status: PresenceStatus }[]>;
  };
  readonly files: {
    /**
     * The file with its bytes, or null when the bot may not see it (needs `files.read`; a file larger than
     * `files.maxBytes` throws).
     */
    get(fileId: string): Promise<PluginFile | null>;
  };
  readonly kv: {
    get<T = unknown>(key: string): Promise<T | null>;
    /** The value with its version, for read-modify-write with `set(…, { ifVersion })`. */
    getEntry<T = unknown>(key: string): Promise<{ value: T; version: number } | null>;
    /** `ttlSeconds` expires the key; `ifVersion` sets only if the key is still at that version (compare-and-set). */
    set(
      key: string,
      value: unknown,
      options?: { ttlSeconds?: number; ifVersion?: number | null },
    ): Promise<{ version: number } | null>;
    delete(key: string): Promise<boolean>;
    list(prefix?: string): Promise<string[]>;
  };
  readonly http: {
    /** Only to hosts the manifest lists, through the server's guarded egress client. */
    fetch(
      url: string,
      /** `bodyBase64` sends binary bytes (decoded by the host) instead of the string `body`. */
      init?: { method?: string; headers?: Record<string, string>; body?: string; bodyBase64?: string },
    ): Promise<{
      status: number;
      headers: Record<string, string>;
      body: string;
    }>;
  };
  /**
   * The host's clock in ms since the epoch: the server's time, or the test harness's clock (which
   * `advanceTime` moves). Use it, not `Date.now()`, for anything time-dependent you want to test.
   */
  now(): Promise<number>;
  readonly log: {
    info(message: string, fields?: Record<string, unknown>): void;
    warn(message: string, fields?: Record<string, unknown>): void;
    error(message: string, fields?: Record<string, unknown>): void;
  };
}

/** What `messageWillBePosted` decides: let it through, reject it (the author sees the reason) or rewrite it. */
export type PostDecision =
  { action: 'allow' } | { action: 'reject'; reason: string } | { action: 'rewrite'; text: string };

export interface CommandInvocation {
  /** The command without its slash, e.g. `task`. */
  command: string;
  /** Everything after the command. */
  args: string;
  userId: string;
  channelId: string;
  threadId: string | null;
}

export interface CommandResponse {
  responseType?: 'ephemeral' | 'in_channel';
  text: string;
}

export interface PluginDefinition {
  on?: { [N in EventName]?: (event: EventPayload<N>, ctx: PluginContext) => void | Promise<void> };
  hooks?: {
    messageWillBePosted?: (
      message: {
        workspaceId: string;
        channelId: string;
        userId: string;
        text: string;
        threadId: string | null;
      },
      ctx: PluginContext,
    ) => PostDecision | Promise<PostDecision>;
  };
  commands?: Record<
    string,
    (invocation: CommandInvocation, ctx: PluginContext) => CommandResponse | Promise<CommandResponse>
  >;
  schedules?: Record<string, (ctx: PluginContext) => void | Promise<void>>;
}

declare const globalThis: { __jokkaerPlugin?: PluginDefinition };

/**
 * Declares a plugin. In the sandbox this registers it with the host; anywhere else it simply returns the
 * definition, so plugin modules stay importable from tests.
 */
export function definePlugin<T extends PluginDefinition>(definition: T): T {
  globalThis.__jokkaerPlugin = definition;
  return definition;
}
