/**
 * A failure on the host's side of a capability call (input the host cannot store, its database, its load):
 * the plugin sees the message, but when it lets the error escape its handler the run does not count toward
 * disabling the plugin.
 */
export class HostFailure extends Error {}

interface Waiting {
  start(): Promise<void>;
  cancel(error: HostFailure): void;
}

/**
 * Runs a plugin's capability calls at most `inFlight` at a time and starts at most `perSecond` a second, lets
 * at most `queued` more wait (in order) and refuses the rest at once, so a plugin firing thousands of calls
 * costs the host a bounded amount of work.
 */
export class CallQueue {
  private running = 0;
  private startedThisSecond = 0;
  private second?: ReturnType<typeof setTimeout>;
  private readonly waiting: Waiting[] = [];

  constructor(
    private readonly inFlight: number,
    private readonly queued: number,
    private readonly perSecond: number,
  ) {}

  /** Calls running and waiting at most. */
  get capacity(): number {
    return this.inFlight + this.queued;
  }

  /** What a call beyond the capacity is refused with. */
  get refusal(): string {
    return `too many calls at once: ${this.inFlight} run and ${this.queued} wait; await some before making more`;
  }

  run<T>(call: () => Promise<T>): Promise<T> {
    if (this.waiting.length === 0 && this.mayStart()) return this.start(call);
    if (this.waiting.length >= this.queued) return Promise.reject(new HostFailure(this.refusal));
    return new Promise<T>((resolve, reject) =>
      this.waiting.push({ start: () => this.start(call).then(resolve, reject), cancel: reject }),
    );
  }

  /** Calls still waiting never run (those running finish; their answers go nowhere). */
  cancel(reason: string): void {
    for (const call of this.waiting.splice(0)) call.cancel(new HostFailure(reason));
  }

  private mayStart(): boolean {
    return this.running < this.inFlight && this.startedThisSecond < this.perSecond;
  }

  private startWaiting(): void {
    while (this.waiting.length > 0 && this.mayStart()) void this.waiting.shift()?.start();
  }

  private async start<T>(call: () => Promise<T>): Promise<T> {
    this.running++;
    this.startedThisSecond++;
    this.second ??= this.openSecond();
    try {
      return await call();
    } finally {
      this.running--;
      this.startWaiting();
    }
  }

  private openSecond(): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.second = undefined;
      this.startedThisSecond = 0;
      this.startWaiting();
    }, 1000);
    // Waiting calls of a plugin nobody waits for never keep a process alive.
    (timer as { unref?: () => void }).unref?.();
    return timer;
  }
}

/**
 * At most `perSecond` log lines per one-second window; lines beyond it are dropped and counted, and when the
 * window closes `reportDropped` is told how many, once.
 */
export class LogLimiter {
  private lines = 0;
  private dropped = 0;
  private window?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly perSecond: number,
    private readonly reportDropped: (dropped: number) => void,
  ) {}

  /** Whether this line may be written. */
  admit(): boolean {
    this.window ??= this.openWindow();
    if (this.lines < this.perSecond) {
      this.lines++;
      return true;
    }
    this.dropped++;
    return false;
  }

  /** Lines dropped before they reached this limiter (by the isolate's own count) are reported with the rest. */
  countDropped(count: number): void {
    if (!(count > 0)) return;
    this.window ??= this.openWindow();
    this.dropped += count;
  }

  private openWindow(): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      const dropped = this.dropped;
      this.window = undefined;
      this.lines = 0;
      this.dropped = 0;
      if (dropped > 0) this.reportDropped(dropped);
    }, 1000);
    // A pending report never keeps a process alive.
    (timer as { unref?: () => void }).unref?.();
    return timer;
  }
}
