import { ChildProcess, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { HostFailure } from '@jokkaer/sdk-plugin';
import type { InvokeResult, HandlerKind } from '@jokkaer/sdk-plugin/sandbox';
import type { Logger } from 'pino';
import type { FromRunner, LoadSpec, ToRunner } from './runner/runner-protocol';

/** Under ts-jest this file runs from sources; the runner process always runs the compiled script. */
const RUNNER_SCRIPT = __filename.endsWith('.ts')
  ? path.resolve(__dirname, '../../dist/plugins/runner/runner.js')
  : path.join(__dirname, 'runner', 'runner.js');

/** Answers a capability call; its error's message reaches the plugin, so it must be fit for it to see. */
export type HostHandler = (installId: string, method: string, args: unknown[]) => Promise<unknown>;

/**
 * Supervises the runner process: starts it, restarts it when it dies (in-flight calls fail, the API keeps
 * serving), reloads plugins into a fresh runner on their next call, and relays capability calls.
 */
export class PluginRunner {
  private child?: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve(message: FromRunner): void; reject(error: Error): void }
  >();
  private loaded = new Map<string, string>(); // installId → fingerprint of what was loaded
  private stopped = false;

  constructor(
    private readonly host: HostHandler,
    private readonly logger: Logger,
    /** Told each time the runner process dies unasked (it restarts with the next call). */
    private readonly onCrash: () => void = () => {},
  ) {}

  /** Loads (or reloads, when the spec changed) and invokes. */
  async invoke(
    spec: LoadSpec,
    kind: HandlerKind,
    name: string,
    payload: unknown,
    timeoutMs: number,
  ): Promise<InvokeResult> {
    const fingerprint = createHash('sha256')
      .update(spec.code)
      .update(JSON.stringify(spec.settings))
      .update(String(spec.memoryLimitMb))
      .digest('base64');
    if (this.loaded.get(spec.installId) !== fingerprint) {
      const answer = await this.request({ t: 'load', id: this.nextId++, spec });
      if (answer.t === 'loaded' && answer.error) {
        return {
          ok: false,
          code: 'error',
          message: `the plugin failed to load: ${answer.error}`,
          durationMs: 0,
          cpuMs: 0,
        };
      }
      this.loaded.set(spec.installId, fingerprint);
    }
    const answer = await this.request({
      t: 'invoke',
      id: this.nextId++,
      installId: spec.installId,
      kind,
      name,
      payload,
      timeoutMs,
    });
    return (answer as Extract<FromRunner, { t: 'result' }>).result;
  }

  unload(installId: string): void {
    this.loaded.delete(installId);
    this.child?.send({ t: 'unload', installId } satisfies ToRunner, () => undefined);
  }

  stop(): void {
    this.stopped = true;
    this.child?.kill();
  }

  /** For health checks and tests. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private request(message: Extract<ToRunner, { id: number }>): Promise<FromRunner> {
    const child = this.ensureChild();
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject });
      child.send(message, (error) => {
        if (!error) return;
        this.pending.delete(message.id);
        reject(error);
      });
    });
  }

  private ensureChild(): ChildProcess {
    if (this.child && this.child.exitCode === null && this.child.connected) return this.child;
    const child = fork(RUNNER_SCRIPT, [], {
      execArgv: ['--no-node-snapshot'],
      env: { ...process.env, NODE_OPTIONS: '' },
      // Piped, not inherited: the runner runs at the lowest priority and, on busy cores, may take many seconds
      // to notice that the server is gone; holding the server's own stdout that long would keep a supervisor
      // (or a test) that waits for the server's output to end waiting for it too.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.stdout!.pipe(process.stdout, { end: false });
    child.stderr!.pipe(process.stderr, { end: false });
    child.on('message', (message: FromRunner) => this.onMessage(message));
    child.on('error', (error) => this.logger.warn({ err: error }, 'plugin runner channel error'));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      this.loaded = new Map();
      const failed = [...this.pending.values()];
      this.pending.clear();
      for (const call of failed) call.reject(new Error('the plugin runner stopped'));
      if (!this.stopped) {
        this.logger.error({ code, signal }, 'plugin runner exited; it restarts with the next call');
        this.onCrash();
      }
    });
    this.child = child;
    return child;
  }

  /** A reply to a runner that has died meanwhile is dropped: its calls already failed. */
  private reply(message: ToRunner): void {
    this.child?.send(message, () => undefined);
  }

  private onMessage(message: FromRunner): void {
    if (message.t === 'host-call') {
      this.host(message.installId, message.method, message.args).then(
        (value) => this.reply({ t: 'host-result', id: message.id, value: value ?? null }),
        (error: unknown) =>
          this.reply({
            t: 'host-result',
            id: message.id,
            error: error instanceof Error ? error.message : String(error),
            hostFailure: error instanceof HostFailure,
          }),
      );
      return;
    }
    const pending = this.pending.get(message.id);
    this.pending.delete(message.id);
    pending?.resolve(message);
  }
}
