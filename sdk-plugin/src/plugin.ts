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

/**
 * A Block Kit block (Slack's subset: section, header, divider, context, image, actions; and input in a modal).
 * The server checks blocks against its Block Kit schemas when a message is posted or a view opened, and a
 * refusal names the failing path (`blocks/0/elements/0/type`).
 */
export type Block = { type: string } & Record<string, unknown>;

/** A plain-text label, as Slack's text objects. */
export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

/** A modal, as Slack's `views.open` takes it: submissions go to `views[callback_id]` of the plugin. */
export interface ModalView {
  type: 'modal';
  title: PlainText;
  blocks: Block[];
  submit?: PlainText;
  close?: PlainText;
  callback_id?: string;
  /** Up to 3000 characters the plugin gets back with each submission and action. */
  private_metadata?: string;
  /** Run `views[callback_id].close` when the person closes the modal. */
  notify_on_close?: boolean;
  clear_on_close?: boolean;
  external_id?: string;
}

/**
 * What a person filled in a modal, in Slack's shape: `values[blockId][actionId]` is `{type, value}` for a text
 * input, `{type, selected_option}` for a select or radio buttons, `{type, selected_options}` for checkboxes and
 * `{type, selected_date}` for a date picker.
 */
export type ViewValues = Record<string, Record<string, { type: string } & Record<string, unknown>>>;

/** A modal the plugin opened, as its handlers see it. */
export interface ViewState {
  id: string;
  callbackId: string;
  privateMetadata: string;
  values: ViewValues;
}

export interface SelectedOption {
  text: PlainText;
  value: string;
}

/**
 * A person's click or choice on a control (a button, select, overflow or date picker) of a message the plugin's
 * bot posted, or of a modal it opened (an `actions` block, or an input with `dispatch_action`).
 */
export interface BlockAction {
  actionId: string;
  blockId: string;
  /** The element's type: `button`, `static_select`, `overflow`, `users_select`, `conversations_select`, … */
  type: string;
  /** A button's value. */
  value?: string;
  selectedOption?: SelectedOption;
  selectedUserId?: string;
  selectedChannelId?: string;
  /** `YYYY-MM-DD`. */
  selectedDate?: string;
  /** Who acted. */
  userId: string;
  /** The message the control is on, and its channel; null for a control in a modal. */
  messageId: string | null;
  channelId: string | null;
  /** The modal the control is in, with what was filled in so far; null for a control on a message. */
  view: ViewState | null;
  /** Lets `ctx.views.open` show a modal to the person who acted: single use, within 3 s. */
  triggerId: string;
}

export interface ViewSubmission {
  view: ViewState;
  userId: string;
  /** For a modal opened on the way out (single use, within 3 s). */
  triggerId: string;
}

export interface ViewClosed {
  view: ViewState;
  userId: string;
}

/**
 * What a submit handler decides: nothing closes the modal; `errors` (messages by block_id) keeps it open with
 * them on their inputs; `update` shows a new view in its place.
 */
export type ViewSubmissionAnswer = void | null | { errors: Record<string, string> } | { update: ModalView };

/** What a plugin may do, each capability checked against the permissions an admin granted its install. */
export interface PluginContext {
  /** The workspace this install belongs to. */
  readonly workspaceId: string;
  /** Validated settings of this install (secret fields included; they are write-only through the API). */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly messages: {
    /** `blocks` (Block Kit) may come with or instead of `text`; without text, the blocks' words are the text. */
    post(input: { channelId: string; text?: string; blocks?: Block[]; threadId?: string }): Promise<Message>;
    /** `blocks: []` removes the message's blocks; left out, they stay. */
    update(input: { messageId: string; text?: string; blocks?: Block[] }): Promise<Message>;
    /** The message, or null when it does not exist or the bot may not read its channel (needs `messages.read`). */
    get(messageId: string): Promise<Message | null>;
  };
  readonly channels: { get(channelId: string): Promise<Channel | null> };
  /** Modals (needs `permissions.interactive`): the same views Slack apps open with `views.open`/`views.update`. */
  readonly views: {
    /** Shows `view` to the person a `triggerId` (of an action or a submission) names. */
    open(triggerId: string, view: ModalView): Promise<{ id: string }>;
    /** New content for a modal this plugin has open (e.g. in answer to an action inside it). */
    update(viewId: string, view: ModalView): Promise<{ id: string }>;
  };
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
  /** By `action_id`: clicks and choices on controls of the bot's messages and modals (`permissions.interactive`). */
  actions?: Record<string, (action: BlockAction, ctx: PluginContext) => void | Promise<void>>;
  /** By a modal's `callback_id`: its submission and, with `notify_on_close`, its closing. */
  views?: Record<
    string,
    {
      submit?: (
        submission: ViewSubmission,
        ctx: PluginContext,
      ) => ViewSubmissionAnswer | Promise<ViewSubmissionAnswer>;
      close?: (closed: ViewClosed, ctx: PluginContext) => void | Promise<void>;
    }
  >;
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
