import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { bundlePlugin } from './build';
import { eventSchemas, type EventName, type EventPayload } from './events';
import {
  effectiveLimits,
  fetchBodyBytes,
  fileTooLarge,
  handlerTimeoutMs,
  isHostAllowed,
  validateManifest,
  validateSettings,
  type HookName,
  type PluginLimits,
  type PluginManifest,
} from './manifest';
import type {
  Block,
  BlockAction,
  Channel,
  CommandInvocation,
  Message,
  ModalView,
  PluginFile,
  PresenceStatus,
  User,
  ViewState,
  ViewValues,
} from './plugin';
import { HostFailure, PluginSandbox, type HandlerKind, type InvokeResult } from './sandbox';
import { unstorableArgument } from './text';
import { capabilityArgumentProblem } from './capabilities';
import { MAX_TEXT_LENGTH } from './rules';

/** The plugin asked for what its manifest does not grant. */
class NotGranted extends Error {}

/**
 * A test harness for plugins: runs a plugin in the same PluginSandbox the server uses, with an in-memory host
 * that grants exactly what the manifest asks for, as the server does. No server, database or network.
 *
 *     const host = await createTestHost({ entry: 'index.ts', manifest: 'plugin.json' });
 *     await host.dispatchEvent('message.created', host.makeMessage({ text: 'ping' }));
 *     expect(host.posted[0].text).toBe('pong');
 *     host.dispose();
 */

export interface TestFetchRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** The bytes the plugin sent with `bodyBase64`. */
  bodyBytes?: Buffer;
}

/** What the test's `fetch` answers; `body` that is not a string is sent as JSON. Status defaults to 200. */
export interface TestFetchResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type TestFetch = (request: TestFetchRequest) => TestFetchResponse | Promise<TestFetchResponse>;

export interface TestHostOptions {
  /** The bundled plugin script (what `jokkaer-plugin build` writes to plugin.js)... */
  code?: string;
  /** ...or the plugin's entry module, bundled in memory as the build tool does. */
  entry?: string;
  /** The manifest, or the path of a plugin.json; validated as the server validates it. */
  manifest: object | string;
  /** The install's settings, validated against the manifest's settingsSchema (defaults filled in). */
  settings?: Record<string, unknown>;
  workspaceId?: string;
  /** The bot user the plugin posts as. */
  botUserId?: string;
  /** Serves the plugin's `ctx.http.fetch` for the hosts the manifest lists; without it every fetch fails. */
  fetch?: TestFetch;
  /**
   * Hosts the install's admin allows besides the manifest's `permissions.http.hosts` (the install's
   * `allowedHosts`); like the server, they count only if the manifest asks for `permissions.http`.
   */
  allowedHosts?: string[];
  /** The install's limit overrides, as an admin would set them. */
  limits?: Partial<PluginLimits>;
  /** The host's clock at start (default: now). Only `advanceTime` moves it. */
  startTime?: number | Date;
  /** What `ctx.channels.get` and `ctx.users.get` find. */
  channels?: Channel[];
  users?: User[];
  /** What `ctx.messages.get` finds, besides messages made with `makeMessage` and those the plugin posted. */
  messages?: Message[];
  /** Presence by user id for `ctx.users.presence` (members in `users` not listed are offline). */
  presence?: Record<string, PresenceStatus>;
}

/** A file for `makeFile`: what `ctx.files.get` finds and a message's `files` lists. */
export interface TestFile {
  name: string;
  /** A string is taken as UTF-8. */
  content: Uint8Array | string;
  contentType?: string;
  id?: string;
  uploaderId?: string;
}

export interface KvEntry {
  value: unknown;
  /** 1 when the key is written afresh, then one more on each write (as the server numbers them). */
  version: number;
  /** Host clock (ms) at which the key expires, or null. */
  expiresAt: number | null;
}

export interface LogEntry {
  level: string;
  message: string;
  fields: unknown;
  /** Host clock (ms). */
  at: number;
}

export interface HostCallRecord {
  method: string;
  args: unknown[];
  /** Set when the host refused or failed the call; the plugin saw it thrown with this message. */
  error?: string;
}

export interface CommandInput {
  args?: string;
  userId?: string;
  channelId?: string;
  threadId?: string | null;
}

/** A click or choice for `runAction`: ids and what was chosen; who acted and where default to the host's. */
export type ActionInput = Pick<BlockAction, 'actionId'> &
  Partial<Omit<BlockAction, 'actionId' | 'view' | 'triggerId'>> & {
    /** A modal the plugin opened (by the id `ctx.views.open` returned): the action comes from inside it. */
    viewId?: string;
    /** What the modal's inputs hold (Slack's state shape). */
    values?: ViewValues;
  };

/** A modal the plugin has open, as `views` lists it. */
export interface OpenView {
  view: ModalView;
  userId: string;
}

export interface HookMessage {
  text: string;
  channelId?: string;
  userId?: string;
  threadId?: string | null;
}

/**
 * `dispatchEvent`'s type: one call signature per event, so a payload is checked against its own event's type.
 * (A generic `<N>(name: N, payload: EventPayload<N>)` makes TypeScript expand every payload type at once.)
 */
export type DispatchEvent = {
  [N in EventName]: (signature: (name: N, payload: EventPayload<N>) => Promise<InvokeResult>) => void;
}[EventName] extends (signature: infer S) => void
  ? S
  : never;

export interface TestHost {
  readonly manifest: PluginManifest;
  /** The settings the plugin sees (validated, defaults filled in). */
  readonly settings: Record<string, unknown>;
  readonly limits: PluginLimits;
  readonly workspaceId: string;
  readonly botUserId: string;
  /** The user and channel commands, hooks and `makeMessage` use when the test names none. */
  readonly userId: string;
  readonly channelId: string;
  /** The sandbox the plugin runs in. */
  readonly sandbox: PluginSandbox;
  /** Messages the plugin posted, oldest first (updates change them in place). */
  readonly posted: Message[];
  /** The plugin's KV storage; expired keys are removed as the clock moves. Tests may seed it. */
  readonly kv: Map<string, KvEntry>;
  readonly logs: LogEntry[];
  /** Every capability call but `log` and `now`, in order, with the error the plugin saw if it was refused. */
  readonly calls: HostCallRecord[];
  /** Delivers an event, if the manifest subscribes to it (else `missing`). The payload must be valid. */
  dispatchEvent: DispatchEvent;
  /** Runs `/command` (with or without its slash), if the manifest declares it (else `missing`). */
  runCommand(command: string, input?: CommandInput): Promise<InvokeResult>;
  /** Runs a hook, if declared (else `missing`); a decision that is not allow/reject/rewrite is an `error`. */
  runHook(name: HookName, message: HookMessage): Promise<InvokeResult>;
  runSchedule(name: string): Promise<InvokeResult>;
  /**
   * Runs `actions[actionId]` as a click would (needs `permissions.interactive`, else `missing`), with a fresh
   * trigger that `ctx.views.open` accepts once within 3 s of the host clock.
   */
  runAction(action: ActionInput): Promise<InvokeResult>;
  /**
   * Submits an open modal to `views[callback_id].submit`: an answer of nothing closes it, `{update}` replaces
   * it (as `views` shows), `{errors}` keeps it; any other answer is an `error`, as the server refuses it.
   */
  submitView(viewId: string, values: ViewValues, userId?: string): Promise<InvokeResult>;
  /** Closes an open modal; runs `views[callback_id].close` if the view asked for `notify_on_close`. */
  closeView(viewId: string): Promise<InvokeResult | undefined>;
  /** The modals the plugin has open, by id. */
  readonly views: Map<string, OpenView>;
  /**
   * A valid `message.created` payload in this workspace, from `userId` in `channelId` unless overridden;
   * `ctx.messages.get` finds it as it was made.
   */
  makeMessage(overrides?: Partial<Message>): Message;
  /**
   * Stores a file in this workspace that `ctx.files.get` finds (any file not made here is one the bot may not
   * see) and returns its metadata, to attach with `makeMessage({ files: [file] })`.
   */
  makeFile(file: TestFile): FileView;
  /** What `ctx.users.presence` answers for a member from now on. */
  setPresence(userId: string, status: PresenceStatus): void;
  /** The host clock (ms since the epoch). */
  now(): number;
  advanceTime(ms: number): void;
  dispose(): void;
}

/** Arguments as their capability's schema (checked before these run) lets them through. */
type PostInput = { channelId: string; text?: string; blocks?: Block[]; threadId?: string };
type UpdateInput = { messageId: string; text?: string; blocks?: Block[] };
type KvSetOptions = { ttlSeconds?: number; ifVersion?: number | null };
type FetchInit = { method?: string; headers?: Record<string, string>; body?: string; bodyBase64?: string };

/** The most keys `kv.list` returns, as the server. */
const MAX_LIST = 1000;
/** The server's egress client refuses longer answers to plugins. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

type FileView = Message['files'][number];

const eventAjv = addFormats(new Ajv({ allErrors: true, strict: true }));
const eventValidators = new Map<EventName, ValidateFunction>();

function loadManifest(manifest: object | string): PluginManifest {
  const raw: unknown = typeof manifest === 'string' ? JSON.parse(readFileSync(manifest, 'utf8')) : manifest;
  const result = validateManifest(raw);
  if (!result.ok) {
    throw new Error(
      `invalid manifest:\n${result.errors.map((error) => `  ${error.path}: ${error.message}`).join('\n')}`,
    );
  }
  return result.manifest;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** What the server accepts from a command handler. */
function checkCommandResponse(value: unknown): string | undefined {
  if (!isRecord(value)) return 'must be an object {text, responseType?}';
  const unknownKeys = Object.keys(value).filter((key) => key !== 'text' && key !== 'responseType');
  if (unknownKeys.length > 0) return `has unknown field ${unknownKeys.join(', ')}`;
  if (typeof value.text !== 'string' || value.text.length > MAX_TEXT_LENGTH)
    return `text must be a string of at most ${MAX_TEXT_LENGTH} characters`;
  if (
    value.responseType !== undefined &&
    value.responseType !== 'ephemeral' &&
    value.responseType !== 'in_channel'
  )
    return 'responseType must be "ephemeral" or "in_channel"';
  return undefined;
}

/** What the server accepts from a view's submit handler. */
function checkViewAnswer(value: unknown): string | undefined {
  if (value === null) return undefined;
  if (isRecord(value) && Object.keys(value).length === 1) {
    if (isRecord(value.errors) && Object.values(value.errors).every((error) => typeof error === 'string'))
      return undefined;
    if (isRecord(value.update) && value.update.type === 'modal') return undefined;
  }
  return 'must be nothing, {errors: {blockId: message}} or {update: view}';
}

/** What the server accepts from `messageWillBePosted`. */
function checkDecision(value: unknown): string | undefined {
  if (!isRecord(value)) return 'must be an object {action, ...}';
  const only = (...keys: string[]) =>
    Object.keys(value).every((key) => key === 'action' || keys.includes(key));
  switch (value.action) {
    case 'allow':
      return only() ? undefined : 'allow takes no other field';
    case 'reject':
      return typeof value.reason === 'string' && value.reason.length > 0 && only('reason')
        ? undefined
        : 'reject takes a non-empty reason, and nothing else';
    case 'rewrite':
      return typeof value.text === 'string' && value.text.length <= MAX_TEXT_LENGTH && only('text')
        ? undefined
        : `rewrite takes text (at most ${MAX_TEXT_LENGTH} characters), and nothing else`;
    default:
      return 'action must be "allow", "reject" or "rewrite"';
  }
}

/** The in-memory host: each capability checked against the manifest's permissions, as the server does. */
class MemoryHost {
  readonly posted: Message[] = [];
  readonly kv = new Map<string, KvEntry>();
  readonly logs: LogEntry[] = [];
  readonly calls: HostCallRecord[] = [];
  private clock: number;
  private readonly channels: Map<string, Channel>;
  private readonly users: Map<string, User>;
  private readonly messages: Map<string, Message>;
  private readonly files = new Map<string, { view: FileView; content: Buffer }>();
  readonly presence: Map<string, PresenceStatus>;
  readonly views = new Map<string, OpenView>();
  private readonly triggers = new Map<string, { userId: string; expiresAt: number }>();

  constructor(
    private readonly manifest: PluginManifest,
    private readonly options: TestHostOptions,
    readonly workspaceId: string,
    readonly botUserId: string,
  ) {
    this.clock = options.startTime === undefined ? Date.now() : new Date(options.startTime).getTime();
    this.channels = new Map((options.channels ?? []).map((channel) => [channel.id, channel]));
    this.users = new Map((options.users ?? []).map((user) => [user.id, user]));
    this.users.set(botUserId, { id: botUserId, displayName: manifest.name, isBot: true });
    this.messages = new Map(
      (options.messages ?? []).map((message) => [message.id, structuredClone(message)]),
    );
    this.presence = new Map(Object.entries(options.presence ?? {}));
  }

  /** Makes a message readable through `ctx.messages.get`. */
  remember(message: Message): void {
    this.messages.set(message.id, structuredClone(message));
  }

  makeFile(file: TestFile): FileView {
    const content = Buffer.from(file.content);
    const view: FileView = {
      id: file.id ?? randomUUID(),
      workspaceId: this.workspaceId,
      uploaderId: file.uploaderId ?? randomUUID(),
      name: file.name,
      size: content.length,
      contentType: file.contentType ?? 'application/octet-stream',
      createdAt: new Date(this.clock).toISOString(),
    };
    this.files.set(view.id, { view, content });
    return structuredClone(view);
  }

  now(): number {
    return this.clock;
  }

  /** A trigger for `userId`, single use, good for 3 s of the host clock (as the server's). */
  issueTrigger(userId: string): string {
    const triggerId = `${Math.floor(this.clock / 1000)}.${randomUUID()}`;
    this.triggers.set(triggerId, { userId, expiresAt: this.clock + 3000 });
    return triggerId;
  }

  private interactiveAllowed(): void {
    if (this.manifest.permissions.interactive !== true)
      throw new NotGranted('the manifest does not grant interactive (permissions.interactive)');
  }

  private openView(triggerId: string, view: ModalView): { id: string } {
    this.interactiveAllowed();
    const trigger = this.triggers.get(triggerId);
    this.triggers.delete(triggerId);
    if (!trigger) throw new Error('invalid_trigger_id');
    if (trigger.expiresAt <= this.clock) throw new Error('expired_trigger_id');
    const id = randomUUID();
    this.views.set(id, { view: structuredClone(view), userId: trigger.userId });
    return { id };
  }

  private updateView(viewId: string, view: ModalView): { id: string } {
    this.interactiveAllowed();
    const open = this.views.get(viewId);
    if (!open) throw new Error('not_found');
    open.view = structuredClone(view);
    return { id: viewId };
  }

  advanceTime(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advanceTime takes a duration of 0 ms or more');
    this.clock += ms;
    for (const key of [...this.kv.keys()]) this.live(key);
  }

  async call(method: string, args: unknown[]): Promise<unknown> {
    if (method === 'now') return this.clock;
    if (method === 'log') {
      const [level, message, fields] = args;
      this.logs.push({ level: String(level), message: String(message), fields, at: this.clock });
      return null;
    }
    const record: HostCallRecord = { method, args };
    this.calls.push(record);
    try {
      return await this.handle(method, args);
    } catch (error) {
      record.error = `${method}: ${error instanceof Error ? error.message : String(error)}`;
      // As on the server, only asking for what the manifest does not grant is the plugin's failure.
      throw error instanceof NotGranted ? new Error(record.error) : new HostFailure(record.error);
    }
  }

  private async handle(method: string, args: unknown[]): Promise<unknown> {
    // As the server: text PostgreSQL cannot store is refused before anything runs, naming where it is.
    const unstorable = unstorableArgument(method, args);
    if (unstorable) throw new Error(unstorable);
    // Then the capability's argument schema, the one the server checks against.
    const problem = capabilityArgumentProblem(method, args);
    if (problem) throw new Error(problem);
    switch (method) {
      case 'messages.post':
        return this.post(args[0] as PostInput);
      case 'messages.update':
        return this.update(args[0] as UpdateInput);
      case 'views.open':
        return this.openView(args[0] as string, args[1] as ModalView);
      case 'views.update':
        return this.updateView(args[0] as string, args[1] as ModalView);
      case 'messages.get': {
        if (this.manifest.permissions.messages?.read !== true)
          throw new NotGranted('the manifest does not grant messages.read (permissions.messages.read)');
        const messageId = args[0] as string;
        const message =
          this.posted.find((candidate) => candidate.id === messageId) ?? this.messages.get(messageId);
        return message ? structuredClone(message) : null;
      }
      case 'channels.get':
        return this.channels.get(args[0] as string) ?? null;
      case 'users.get':
        return this.users.get(args[0] as string) ?? null;
      case 'users.presence':
        return this.presenceOf(args[0] as string[]);
      case 'files.get':
        return this.file(args[0] as string);
      case 'kv.get':
        this.kvAllowed();
        return this.live(args[0] as string)?.value ?? null;
      case 'kv.getEntry': {
        this.kvAllowed();
        const entry = this.live(args[0] as string);
        return entry ? { value: entry.value, version: entry.version } : null;
      }
      case 'kv.set':
        return this.kvSet(args[0] as string, args[1], args[2] ?? {});
      case 'kv.delete': {
        this.kvAllowed();
        const key = args[0] as string;
        return this.live(key) !== undefined && this.kv.delete(key);
      }
      case 'kv.list': {
        this.kvAllowed();
        const prefix = (args[0] ?? '') as string;
        // Sorted by code unit, at most 1000, as the server lists them.
        const keys = [...this.kv.keys()].filter((key) => key.startsWith(prefix) && this.live(key));
        return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, MAX_LIST);
      }
      case 'http.fetch':
        return this.fetch(args[0] as string, args[1] ?? {});
      default:
        throw new NotGranted('no such capability');
    }
  }

  /** As the server: members only (here, the `users` option and the bot), at most 1000 ids per call. */
  private presenceOf(userIds: string[]): { userId: string; status: PresenceStatus }[] {
    if (this.manifest.permissions.users?.presence !== true)
      throw new NotGranted('the manifest does not grant users.presence (permissions.users.presence)');
    const ids = [...new Set(userIds)];
    return ids
      .filter((userId) => this.users.has(userId))
      .map((userId) => ({ userId, status: this.presence.get(userId) ?? 'offline' }));
  }

  private file(fileId: string): PluginFile | null {
    const permission = this.manifest.permissions.files;
    if (permission?.read !== true)
      throw new NotGranted('the manifest does not grant files.read (permissions.files.read)');
    const file = this.files.get(fileId);
    if (!file) return null;
    if (file.view.size > permission.maxBytes)
      throw new Error(fileTooLarge(file.view.size, permission.maxBytes));
    const { id, name, contentType, size } = file.view;
    return { id, name, contentType, size, contentBase64: file.content.toString('base64') };
  }

  private writeAllowed(): void {
    if (this.manifest.permissions.messages?.write !== true)
      throw new NotGranted('the manifest does not grant messages.write (permissions.messages.write)');
  }

  private post(input: PostInput): Message {
    this.writeAllowed();
    const { channelId, blocks } = input;
    const text = input.text ?? '';
    let threadId: string | null = null;
    if (input.threadId !== undefined) {
      // Naming a reply threads under its root, as the API does.
      threadId = this.posted.find((message) => message.id === input.threadId)?.threadId ?? input.threadId;
    }
    const message: Message = {
      ...this.blankMessage(),
      channelId,
      userId: this.botUserId,
      text,
      threadId,
      mentions: this.mentions(text),
      ...(blocks ? { blocks } : {}),
    };
    this.posted.push(message);
    return structuredClone(message);
  }

  private update(input: UpdateInput): Message {
    this.writeAllowed();
    const { messageId, blocks } = input;
    const text = input.text ?? '';
    const message = this.posted.find((candidate) => candidate.id === messageId);
    if (!message) throw new Error(`no message ${messageId} posted by this plugin`);
    Object.assign(message, {
      text,
      ...(blocks ? { blocks: blocks.length > 0 ? blocks : null } : {}),
      mentions: this.mentions(text),
      editedAt: new Date(this.clock).toISOString(),
    });
    return structuredClone(message);
  }

  private mentions(text: string): string[] {
    const ids = [...text.matchAll(/<@([0-9a-f-]{36})>/gi)].map((match) => match[1]);
    return [...new Set(ids)].filter((id) => this.users.has(id));
  }

  blankMessage(): Message {
    return {
      id: randomUUID(),
      workspaceId: this.workspaceId,
      channelId: randomUUID(),
      userId: randomUUID(),
      text: '',
      threadId: null,
      replyCount: 0,
      reactions: [],
      files: [],
      mentions: [],
      clientMsgId: null,
      createdAt: new Date(this.clock).toISOString(),
      editedAt: null,
    };
  }

  // ---- KV --------------------------------------------------------------------------------------------------

  private kvAllowed(): number {
    const quota = this.manifest.permissions.kv?.quotaBytes;
    if (quota === undefined) throw new NotGranted('the manifest does not grant kv (permissions.kv)');
    return quota;
  }

  /** The key's entry unless it has expired (an expired entry is removed). */
  private live(key: string): KvEntry | undefined {
    const entry = this.kv.get(key);
    if (entry?.expiresAt != null && entry.expiresAt <= this.clock) {
      this.kv.delete(key);
      return undefined;
    }
    return entry;
  }

  private usedBytes(except: string): number {
    let used = 0;
    for (const key of [...this.kv.keys()]) {
      const entry = this.live(key);
      if (entry && key !== except) used += bytes(JSON.stringify(entry.value) ?? 'null');
    }
    return used;
  }

  private kvSet(key: string, value: unknown, options: KvSetOptions): { version: number } | null {
    const quota = this.kvAllowed();
    const { ttlSeconds, ifVersion } = options;
    const size = bytes(JSON.stringify(value) ?? 'null');
    const used = this.usedBytes(key);
    if (used + size > quota) {
      throw new Error(
        `KV quota exceeded: "${key}" takes ${size} bytes and ${used} of the ${quota} allowed ` +
          '(permissions.kv.quotaBytes) are in use',
      );
    }
    const current = this.live(key);
    if (
      ifVersion !== undefined &&
      (ifVersion === null ? current !== undefined : current?.version !== ifVersion)
    )
      return null;
    const version = current ? current.version + 1 : 1;
    const expiresAt = ttlSeconds === undefined ? null : this.clock + ttlSeconds * 1000;
    this.kv.set(key, { value: structuredClone(value), version, expiresAt });
    return { version };
  }

  // ---- HTTP ------------------------------------------------------------------------------------------------

  private async fetch(urlArg: string, init: FetchInit): Promise<unknown> {
    let url: URL;
    try {
      url = new URL(urlArg);
    } catch {
      throw new Error(`"${urlArg}" is not an absolute URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('only http and https URLs');
    if (url.username !== '' || url.password !== '') throw new Error('URLs may not carry credentials');
    const http = this.manifest.permissions.http;
    if (!http || !isHostAllowed([...http.hosts, ...(this.options.allowedHosts ?? [])], url.hostname))
      throw new Error(`${url.hostname} is not an allowed host (permissions.http.hosts)`);
    const method = init.method ?? 'GET';
    const headers = Object.fromEntries(
      Object.entries(init.headers ?? {}).map(([name, headerValue]) => [name.toLowerCase(), headerValue]),
    );
    const bodyBytes = fetchBodyBytes(init);
    if (!this.options.fetch) throw new Error('createTestHost was given no fetch option to answer it');
    const response = await this.options.fetch({
      url: url.toString(),
      method: method.toUpperCase(),
      headers,
      body: init.body,
      bodyBytes,
    });
    const responseHeaders = Object.fromEntries(
      Object.entries(response.headers ?? {}).map(([name, headerValue]) => [name.toLowerCase(), headerValue]),
    );
    let body: string;
    if (typeof response.body === 'string' || response.body === undefined) body = response.body ?? '';
    else {
      body = JSON.stringify(response.body);
      responseHeaders['content-type'] ??= 'application/json';
    }
    if (bytes(body) > MAX_RESPONSE_BYTES)
      throw new Error(`fetch refused: response larger than ${MAX_RESPONSE_BYTES} bytes`);
    return { status: response.status ?? 200, headers: responseHeaders, body };
  }
}

/** Starts a plugin in a sandbox with an in-memory host. Dispose of it when the test is done. */
export async function createTestHost(options: TestHostOptions): Promise<TestHost> {
  if ((options.code === undefined) === (options.entry === undefined))
    throw new Error('createTestHost takes either code or entry');
  const manifest = loadManifest(options.manifest);
  const settingsResult = validateSettings(manifest, options.settings ?? {});
  if (!settingsResult.ok) {
    throw new Error(
      `the settings fail the manifest's settingsSchema:\n` +
        settingsResult.errors.map((error) => `  ${error.path}: ${error.message}`).join('\n'),
    );
  }
  const settings = settingsResult.settings;
  const code = options.code ?? (await bundlePlugin(options.entry!)).code;
  const limits = effectiveLimits(manifest, options.limits);
  const workspaceId = options.workspaceId ?? randomUUID();
  const host = new MemoryHost(manifest, options, workspaceId, options.botUserId ?? randomUUID());
  const sandbox = new PluginSandbox({
    code,
    settings,
    workspaceId,
    memoryLimitMb: limits.memoryMb,
    host: (method, args) => host.call(method, args),
  });
  await sandbox.start();

  const userId = randomUUID();
  const channelId = randomUUID();
  const missing = (what: string): InvokeResult => ({
    ok: false,
    code: 'missing',
    message: `${what} is not declared in the manifest`,
    durationMs: 0,
    cpuMs: 0,
  });
  const invoke = async (
    kind: HandlerKind,
    name: string,
    payload: unknown,
    check?: (value: unknown) => string | undefined,
  ): Promise<InvokeResult> => {
    const result = await sandbox.invoke(kind, name, payload, handlerTimeoutMs(limits, kind));
    // The sandbox sends log lines without waiting for the host; let those of this call land first.
    await new Promise((resolve) => setImmediate(resolve));
    const problem = result.ok && check ? check(result.value) : undefined;
    if (!result.ok || problem === undefined) return result;
    return {
      ok: false,
      code: 'error',
      message: `the ${kind} handler "${name}" returned an invalid answer: ${problem}`,
      durationMs: result.durationMs,
      cpuMs: result.cpuMs,
    };
  };

  async function dispatchEvent(name: EventName, payload: unknown): Promise<InvokeResult> {
    if (!Object.prototype.hasOwnProperty.call(eventSchemas, name))
      throw new Error(`no event named "${name}"`);
    let validate = eventValidators.get(name);
    if (!validate) {
      validate = eventAjv.compile(eventSchemas[name] as object);
      eventValidators.set(name, validate);
    }
    if (!validate(payload)) {
      const problems = (validate.errors ?? []).map(
        (error) => `${error.instancePath || '(root)'} ${error.message}`,
      );
      throw new Error(`the ${name} payload is not one the server would send: ${problems.join('; ')}`);
    }
    if ((payload as { workspaceId?: string }).workspaceId !== workspaceId)
      throw new Error(
        `the ${name} payload belongs to another workspace than this install's (${workspaceId})`,
      );
    if (!(manifest.permissions.events ?? []).includes(name)) return missing(`event "${name}"`);
    return invoke('event', name, payload);
  }

  return {
    manifest,
    settings,
    limits,
    workspaceId,
    botUserId: host.botUserId,
    userId,
    channelId,
    sandbox,
    posted: host.posted,
    kv: host.kv,
    logs: host.logs,
    calls: host.calls,

    dispatchEvent: dispatchEvent as unknown as DispatchEvent,

    async runCommand(command, input = {}) {
      const name = command.replace(/^\//, '');
      if (!(manifest.permissions.commands ?? []).some((declared) => declared.command === name))
        return missing(`command "/${name}"`);
      const invocation: CommandInvocation = {
        command: name,
        args: input.args ?? '',
        userId: input.userId ?? userId,
        channelId: input.channelId ?? channelId,
        threadId: input.threadId ?? null,
      };
      return invoke('command', name, invocation, checkCommandResponse);
    },

    async runHook(name, message) {
      if (!(manifest.permissions.hooks ?? []).includes(name)) return missing(`hook "${name}"`);
      const payload = {
        workspaceId,
        channelId: message.channelId ?? channelId,
        userId: message.userId ?? userId,
        text: message.text,
        threadId: message.threadId ?? null,
      };
      return invoke('hook', name, payload, checkDecision);
    },

    async runSchedule(name) {
      if (!(manifest.permissions.schedules ?? []).some((declared) => declared.name === name))
        return missing(`schedule "${name}"`);
      return invoke('schedule', name, null);
    },

    views: host.views,

    async runAction({ viewId, values = {}, ...given }) {
      if (manifest.permissions.interactive !== true) return missing('permissions.interactive');
      const actor = given.userId ?? userId;
      const open = viewId === undefined ? undefined : host.views.get(viewId);
      if (viewId !== undefined && !open) throw new Error(`no view ${viewId} is open`);
      const action: BlockAction = {
        blockId: '0',
        type: 'button',
        messageId: open ? null : randomUUID(),
        channelId: open ? null : channelId,
        ...given,
        userId: actor,
        view: open ? viewStateOf(viewId!, open.view, values) : null,
        triggerId: host.issueTrigger(actor),
      };
      return invoke('action', action.actionId, action);
    },

    async submitView(viewId, values, submitter) {
      const open = host.views.get(viewId);
      if (!open) throw new Error(`no view ${viewId} is open`);
      const who = submitter ?? open.userId;
      const view = viewStateOf(viewId, open.view, values);
      const result = await invoke(
        'view',
        `${view.callbackId}.submit`,
        { view, userId: who, triggerId: host.issueTrigger(who) },
        checkViewAnswer,
      );
      if (result.ok || result.code === 'missing') {
        const answer = (result.ok ? result.value : null) as { errors?: unknown; update?: ModalView } | null;
        if (answer?.update) open.view = structuredClone(answer.update);
        else if (!answer?.errors) host.views.delete(viewId);
      }
      return result;
    },

    async closeView(viewId) {
      const open = host.views.get(viewId);
      if (!open) throw new Error(`no view ${viewId} is open`);
      host.views.delete(viewId);
      if (open.view.notify_on_close !== true) return undefined;
      const view = viewStateOf(viewId, open.view, {});
      return invoke('view', `${view.callbackId}.close`, { view, userId: open.userId });
    },

    makeFile: (file) => host.makeFile(file),

    makeMessage(overrides = {}) {
      const message = { ...host.blankMessage(), channelId, userId, ...overrides };
      host.remember(message);
      return message;
    },

    setPresence: (presenceUserId, status) => void host.presence.set(presenceUserId, status),

    now: () => host.now(),
    advanceTime: (ms) => host.advanceTime(ms),
    dispose: () => sandbox.dispose(),
  };
}

const viewStateOf = (id: string, view: ModalView, values: ViewValues): ViewState => ({
  id,
  callbackId: view.callback_id ?? '',
  privateMetadata: view.private_metadata ?? '',
  values,
});
