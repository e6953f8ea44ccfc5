import ivm from 'isolated-vm';
import { CallQueue, HostFailure, LogLimiter } from './host-limits';
import { MAX_FILE_READ_BYTES } from './manifest';

export { HostFailure } from './host-limits';

/** Calls from plugin code to the host: `method` names a capability, `args` are JSON values. */
export type HostCall = (method: string, args: unknown[]) => Promise<unknown>;

/** `view` handlers are named `<callback_id>.submit` or `<callback_id>.close`. */
export type HandlerKind = 'event' | 'command' | 'hook' | 'schedule' | 'action' | 'view';

/** `host`: the handler failed only because a capability call failed on the host's side (a HostFailure). */
export type FailureCode = 'timeout' | 'memory' | 'error' | 'missing' | 'host';

export type InvokeResult =
  | { ok: true; value: unknown; durationMs: number; cpuMs: number }
  | { ok: false; code: FailureCode; message: string; durationMs: number; cpuMs: number };

export interface SandboxOptions {
  /** The bundled plugin: one script that calls `definePlugin`. */
  code: string;
  settings: Record<string, unknown>;
  workspaceId: string;
  /** Isolate heap limit; default 64. */
  memoryLimitMb?: number;
  host: HostCall;
  /** Largest JSON a single capability call may send to the host; default 1 MiB. */
  maxCallBytes?: number;
  /** Capability calls the host runs at once for this plugin; default 4. */
  callsInFlight?: number;
  /** Calls that may wait beyond those; more are refused with an error the plugin sees. Default 200. */
  callsQueued?: number;
  /** Capability calls started a second at most (the rest wait their turn); default 200. */
  callsPerSecond?: number;
  /** Log lines a second; more are dropped, then counted in one line. Default 20. */
  logLinesPerSecond?: number;
  /** A log line's message is cut, and its fields left out, beyond this many characters. Default 2048. */
  logLineMaxChars?: number;
}

/**
 * `http.fetch` may carry a file read with `ctx.files.get` as `bodyBase64`, so it may send that much (base64
 * grows by a third) besides the 1 MiB every call may.
 */
const MAX_UPLOAD_CALL_BYTES = Math.ceil(MAX_FILE_READ_BYTES / 3) * 4 + 1024 * 1024;

/**
 * Runs inside the isolate before the plugin. It keeps the host reference in a closure the plugin cannot
 * reach and exposes only functions that send and receive JSON strings, so no Reference, host object or
 * host function ever reaches plugin code.
 */
const BOOTSTRAP = `
(function (hostCall, hostLog, settingsJson, workspaceId, maxOutstanding, tooMany, linesPerSecond, lineMaxChars) {
  const parse = JSON.parse, stringify = JSON.stringify, freeze = Object.freeze;
  const HostError = class extends Error {};
  // Bound now, before plugin code runs and could replace WeakSet's methods.
  const hostFailures = new WeakSet();
  const markHostFailure = WeakSet.prototype.add.bind(hostFailures);
  const isHostFailure = WeakSet.prototype.has.bind(hostFailures);
  const hostFailure = (message) => {
    const error = new HostError(message);
    markHostFailure(error);
    return error;
  };
  // Calls beyond what the host would run and queue are refused here, at no cost to the host (which counts
  // again: this count is only as trustworthy as the isolate's Promise). All with one promise, rejected and
  // handled once: a rejection per call costs the isolate ~70 µs each, which a storm of calls would multiply.
  let outstanding = 0;
  const refused = Promise.reject(hostFailure(tooMany));
  refused.catch(() => undefined);
  const call = (method, ...args) => {
    if (outstanding >= maxOutstanding) return refused;
    outstanding++;
    return hostCall.apply(undefined, [method, stringify(args)], { arguments: { copy: true }, result: { promise: true, copy: true } })
      .then((json) => {
        outstanding--;
        const answer = parse(json);
        if (answer.error === undefined) return answer.value === undefined ? null : answer.value;
        if (answer.hostFailure) throw hostFailure(answer.error);
        throw new HostError(answer.error);
      }, (error) => {
        outstanding--;
        throw error;
      });
  };
  // Lines beyond the rate are dropped here at no cost to the host, which is told how many (at least every
  // thousand, and when the run ends) and limits again. Synchronous, so that nothing queues up in the host.
  const clock = Date.now;
  let windowEnds = 0, sent = 0, unreported = 0;
  const reportDropped = () => {
    if (unreported === 0) return;
    hostLog.applySync(undefined, [null, '', '', unreported], { arguments: { copy: true } });
    unreported = 0;
  };
  const log = (level) => (message, fields) => {
    const now = clock();
    if (now >= windowEnds) {
      windowEnds = now + 1000;
      sent = 0;
    }
    if (sent >= linesPerSecond) {
      if (++unreported >= 1000) reportDropped();
      return;
    }
    sent++;
    const line = [level, String(message).slice(0, lineMaxChars), stringify(fields ?? {}), unreported];
    unreported = 0;
    hostLog.applySync(undefined, line, { arguments: { copy: true } });
  };
  const ctx = freeze({
    workspaceId,
    settings: freeze(parse(settingsJson)),
    messages: freeze({
      post: (input) => call('messages.post', input),
      update: (input) => call('messages.update', input),
      get: (id) => call('messages.get', id),
    }),
    channels: freeze({ get: (id) => call('channels.get', id) }),
    views: freeze({
      open: (triggerId, view) => call('views.open', triggerId, view),
      update: (viewId, view) => call('views.update', viewId, view),
    }),
    files: freeze({ get: (id) => call('files.get', id) }),
    users: freeze({ get: (id) => call('users.get', id), presence: (ids) => call('users.presence', ids) }),
    kv: freeze({
      get: (key) => call('kv.get', key),
      getEntry: (key) => call('kv.getEntry', key),
      set: (key, value, options) => call('kv.set', key, value, options ?? {}),
      delete: (key) => call('kv.delete', key),
      list: (prefix) => call('kv.list', prefix ?? ''),
    }),
    http: freeze({ fetch: (url, init) => call('http.fetch', url, init ?? {}) }),
    now: () => call('now'),
    log: freeze({ info: log('info'), warn: log('warn'), error: log('error') }),
  });
  const tables = { event: 'on', command: 'commands', hook: 'hooks', schedule: 'schedules', action: 'actions', view: 'views' };
  const own = (table, key) =>
    table && typeof table === 'object' && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
  return async function dispatch(kind, name, payloadJson) {
    const plugin = globalThis.__jokkaerPlugin;
    const table = plugin && plugin[tables[kind]];
    // A view's handlers sit under its callback_id: "deploy.submit" is views.deploy.submit.
    const cut = name.lastIndexOf('.');
    const handler = kind === 'view' ? own(own(table, name.slice(0, cut)), name.slice(cut + 1)) : own(table, name);
    if (typeof handler !== 'function') return stringify({ missing: true });
    const payload = parse(payloadJson);
    try {
      const result = kind === 'schedule' ? await handler(ctx) : await handler(payload, ctx);
      return stringify({ value: result === undefined ? null : result });
    } catch (error) {
      if (isHostFailure(error)) return stringify({ hostFailure: String(error.message) });
      throw error;
    } finally {
      reportDropped();
    }
  };
})`;

/**
 * One plugin in its own isolated-vm isolate: a heap limit, a CPU limit per call and a wall-clock limit per call
 * that also covers awaited promises (isolated-vm's own timeout stops only synchronous work). A call that
 * times out or exhausts memory disposes the isolate; the next call starts a fresh one.
 */
export class PluginSandbox {
  private isolate?: ivm.Isolate;
  private dispatch?: ivm.Reference<(kind: string, name: string, payload: string) => Promise<string>>;
  private starting?: Promise<void>;
  private readonly calls: CallQueue;
  private readonly logLimiter: LogLimiter;

  constructor(private readonly options: SandboxOptions) {
    const { callsInFlight = 4, callsQueued = 200, callsPerSecond = 200, logLinesPerSecond = 20 } = options;
    this.calls = new CallQueue(callsInFlight, callsQueued, callsPerSecond);
    this.logLimiter = new LogLimiter(logLinesPerSecond, (dropped) =>
      this.sendLog('warn', `${dropped} log lines dropped: over the limit of ${logLinesPerSecond} a second`, {
        dropped,
      }),
    );
  }

  /** Evaluates the plugin; throws when the code does not load or does not call definePlugin. */
  async start(): Promise<void> {
    this.starting ??= this.boot().finally(() => (this.starting = undefined));
    return this.starting;
  }

  get running(): boolean {
    return this.isolate !== undefined && !this.isolate.isDisposed;
  }

  async invoke(kind: HandlerKind, name: string, payload: unknown, timeoutMs: number): Promise<InvokeResult> {
    const started = performance.now();
    if (!this.running) {
      try {
        await this.start();
      } catch (error) {
        const message = `the plugin failed to start: ${error instanceof Error ? error.message : String(error)}`;
        return { ok: false, code: 'error', message, durationMs: performance.now() - started, cpuMs: 0 };
      }
    }
    const isolate = this.isolate!;
    const cpuBefore = isolate.cpuTime;
    const elapsed = () => ({
      durationMs: performance.now() - started,
      cpuMs: isolate.isDisposed ? 0 : Number(isolate.cpuTime - cpuBefore) / 1e6,
    });
    let timer: NodeJS.Timeout | undefined;
    const wall = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, timeoutMs, 'timeout')));
    try {
      const call = this.dispatch!.apply(undefined, [kind, name, JSON.stringify(payload ?? null)], {
        timeout: timeoutMs,
        arguments: { copy: true },
        result: { promise: true, copy: true },
      });
      const outcome = await Promise.race([call, wall]);
      if (outcome === 'timeout') {
        call.catch(() => undefined);
        this.dispose();
        return { ok: false, code: 'timeout', message: `no answer within ${timeoutMs} ms`, ...elapsed() };
      }
      const parsed = JSON.parse(outcome) as { value?: unknown; missing?: boolean; hostFailure?: string };
      if (parsed.missing)
        return { ok: false, code: 'missing', message: `no ${kind} handler "${name}"`, ...elapsed() };
      if (parsed.hostFailure !== undefined)
        return { ok: false, code: 'host', message: parsed.hostFailure, ...elapsed() };
      return { ok: true, value: parsed.value, ...elapsed() };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code: FailureCode = isolate.isDisposed
        ? /memory/i.test(message)
          ? 'memory'
          : 'timeout'
        : /timed out/i.test(message)
          ? 'timeout'
          : 'error';
      if (code !== 'error') this.dispose();
      return { ok: false, code, message, ...elapsed() };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Also cancels the capability calls still waiting: a cut-off plugin's calls never run afterwards. */
  dispose(): void {
    this.calls.cancel('the plugin was stopped');
    if (this.isolate && !this.isolate.isDisposed) this.isolate.dispose();
    this.isolate = undefined;
    this.dispatch = undefined;
  }

  /** Log lines are not awaited by the plugin; one the host fails to write is lost. */
  private sendLog(level: string, message: string, fields: unknown): void {
    this.options.host('log', [level, message, fields]).catch(() => undefined);
  }

  private async boot(): Promise<void> {
    this.dispose();
    const {
      memoryLimitMb = 64,
      maxCallBytes = 1024 * 1024,
      logLinesPerSecond = 20,
      logLineMaxChars = 2048,
      host,
    } = this.options;
    const isolate = new ivm.Isolate({ memoryLimit: memoryLimitMb });
    try {
      const context = await isolate.createContext();
      // Answers are envelopes, never rejections: the isolate side turns `error` into a thrown Error.
      const hostCall = new ivm.Reference(async (method: string, argsJson: string): Promise<string> => {
        try {
          const limit =
            method === 'http.fetch' ? Math.max(maxCallBytes, MAX_UPLOAD_CALL_BYTES) : maxCallBytes;
          if (argsJson.length > limit) throw new Error(`${method}: arguments larger than ${limit} bytes`);
          const value = await this.calls.run(() => host(method, JSON.parse(argsJson) as unknown[]));
          return JSON.stringify({ value: value === undefined ? null : value });
        } catch (error) {
          return JSON.stringify({
            error: error instanceof Error ? error.message : String(error),
            hostFailure: error instanceof HostFailure,
          });
        }
      });
      const hostLog = new ivm.Reference(
        (level: string | null, message: string, fieldsJson: string, droppedBefore: number) => {
          this.logLimiter.countDropped(droppedBefore);
          if (level === null || !this.logLimiter.admit()) return;
          const fields: unknown =
            typeof fieldsJson === 'string' && fieldsJson.length <= logLineMaxChars
              ? JSON.parse(fieldsJson)
              : { truncated: true };
          this.sendLog(level, message.slice(0, logLineMaxChars), fields);
        },
      );
      const factory = await context.eval(BOOTSTRAP, { reference: true });
      const dispatch = (await factory.apply(
        undefined,
        [
          hostCall,
          hostLog,
          JSON.stringify(this.options.settings),
          this.options.workspaceId,
          this.calls.capacity,
          this.calls.refusal,
          logLinesPerSecond,
          logLineMaxChars,
        ],
        { result: { reference: true } },
      )) as ivm.Reference<(kind: string, name: string, payload: string) => Promise<string>>;
      const script = await isolate.compileScript(this.options.code, { filename: 'plugin.js' });
      await script.run(context, { timeout: 1000 });
      const defined = (await context.eval(
        'typeof globalThis.__jokkaerPlugin === "object" && globalThis.__jokkaerPlugin !== null',
        {
          copy: true,
        },
      )) as boolean;
      if (!defined) throw new Error('the plugin did not call definePlugin');
      this.isolate = isolate;
      this.dispatch = dispatch;
    } catch (error) {
      if (!isolate.isDisposed) isolate.dispose();
      throw error;
    }
  }
}
