import type { NatsConnection, Subscription } from 'nats';
import type { Logger } from 'pino';
import type { Clock } from '../common/clock';
import type { Timers } from '../common/timers';
import type { StoredEvent } from './events.repository';
import type { Listening, NotifyRepository } from './notify.repository';
import { MAX_NOTIFY_BYTES, packPayloads, PayloadUnpacker } from './notify-packing';

/** Short-lived, never-stored messages between instances (typing, presence). */
export interface EphemeralMessage {
  /** The instance that sent it, so it can ignore its own echo. */
  origin: string;
  kind: string;
  [field: string]: unknown;
}

export interface TransportHandlers {
  /** Another instance committed events: read the table. */
  wake(): void;
  /** Another instance committed these events (in seq order), and said which. */
  committed(events: StoredEvent[]): void;
  ephemeral(message: EphemeralMessage): void;
}

/** How instances tell each other that events were committed, and pass ephemeral messages. */
export interface ClusterTransport {
  readonly name: string;
  start(handlers: TransportHandlers): Promise<void>;
  /** Called after local commits (once per burst, in seq order): wakes the other instances. */
  committed(events: StoredEvent[]): void;
  publishEphemeral(message: EphemeralMessage): void;
  close(): Promise<void>;
}

/**
 * Wake-ups: the payload starts with the committing instance's id, so it can ignore its own (it knows its
 * commits already). When they fit, `id|[events]` carries the events themselves, which a listener next in line
 * for them delivers without reading them back from the table; else it is the id alone: read the table.
 */
export const NOTIFY_CHANNEL = 'jokkaer_events';
const EPHEMERAL_CHANNEL = 'jokkaer_ephemeral';
/** NOTIFY payloads sent by one statement. */
const PAYLOADS_PER_STATEMENT = 50;
/** Ephemeral messages waiting for the database beyond this are dropped, oldest first: they are worth little late. */
const MAX_QUEUED_EPHEMERAL = 20_000;
/** How often an instance asks whether other instances still listen (one that starts says so at once). */
const PEER_CHECK_INTERVAL_MS = 10_000;

/** LISTEN/NOTIFY on one dedicated connection, reconnected with backoff; a reconnect triggers a catch-up read. */
export class PostgresTransport implements ClusterTransport {
  readonly name = 'postgres';
  private listening?: Listening;
  private closed = false;
  private retryTimer?: NodeJS.Timeout;
  private readonly unpacker: PayloadUnpacker;
  /** Serialized ephemeral messages not yet sent; sent in batches, one statement at a time. */
  private queue: string[] = [];
  private flushing?: Promise<void>;
  private dropped = 0;
  /** The wake-up being sent, and the commits that came after it started (they need one more). */
  private waking?: Promise<void>;
  private unannounced: StoredEvent[] = [];
  /**
   * Whether another instance listens on the database. A lone instance (the usual deployment) sends no wake-ups:
   * its own feed has its commits already, and each NOTIFY was a statement and a notification back to itself.
   */
  private peers = true;
  /** Notifications from other instances so far: a check begun before one must not conclude there are none. */
  private peerSignals = 0;
  private checkingPeers = false;

  /** `self` is this instance's id: its own commits have already woken its feed. */
  constructor(
    private readonly notifications: NotifyRepository,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly logger: Logger,
    private readonly self: string,
    private readonly connectTimeoutMs: number,
  ) {
    this.unpacker = new PayloadUnpacker(self);
  }

  async start(handlers: TransportHandlers): Promise<void> {
    // A failed attempt retries through its caller.
    this.listening = await this.notifications.listen(
      [NOTIFY_CHANNEL, EPHEMERAL_CHANNEL],
      this.self,
      this.connectTimeoutMs,
      {
        notification: (channel, payload) => {
          // Every payload starts with its sender's id: this instance's own come back to it, and are ignored.
          if (payload === undefined || payload.startsWith(this.self)) return;
          this.peerSignal();
          if (channel === NOTIFY_CHANNEL) this.woken(handlers, payload);
          else if (channel === EPHEMERAL_CHANNEL) {
            for (const ephemeral of this.unpacker.unpack(payload, this.clock.now()))
              handlers.ephemeral(ephemeral as EphemeralMessage);
          }
        },
        error: (error) => this.logger.warn({ err: error }, 'LISTEN connection failed; reconnecting'),
        ended: () => this.reconnect(handlers, 1000),
      },
    );
    // Instances already listening learn of this one from a wake-up of its own (the id alone: read the table);
    // this one asks who listens. Until the answer, it wakes them as if they did.
    await this.notifications
      .notify(NOTIFY_CHANNEL, [this.self])
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not tell the other instances'));
    await this.refreshPeers();
    if (!this.checkingPeers) this.timers.every(PEER_CHECK_INTERVAL_MS, () => void this.refreshPeers());
    this.checkingPeers = true;
    handlers.wake(); // anything committed while we were not listening
  }

  /** Asks the database whether other instances listen; when it cannot tell, assumes they do. */
  async refreshPeers(): Promise<void> {
    const signals = this.peerSignals;
    const found = await this.notifications.otherListeners(this.self).catch(() => true);
    // A notification from another instance while the question was out outweighs a "no".
    if (found || this.peerSignals === signals) this.peers = found;
  }

  private peerSignal(): void {
    this.peerSignals += 1;
    this.peers = true;
  }

  /**
   * A NOTIFY of its own, after the commit: one inside the transaction would hold PostgreSQL's notify lock
   * through the commit's WAL flush, so every posting transaction would commit one after the other (measured:
   * `Lock:object` waits on the message insert, no group commit). Commits that come while one is being sent get
   * one more. A wake-up lost with a crash right after a commit is made up by the other instances' poll
   * (EVENT_POLL_INTERVAL_MS): the table, not the wake-up, is what they read.
   */
  committed(events: StoredEvent[]): void {
    if (!this.peers) return;
    this.unannounced.push(...events);
    this.waking ??= this.sendWakeUps().finally(() => (this.waking = undefined));
  }

  /**
   * Queued and sent in batches: a burst of signals or typing costs one statement, not one round trip each,
   * and a message too big for one NOTIFY travels in fragments (see notify-packing).
   */
  publishEphemeral(message: EphemeralMessage): void {
    if (!this.peers) return; // only other instances take them
    this.queue.push(JSON.stringify(message));
    if (this.queue.length > MAX_QUEUED_EPHEMERAL) {
      this.dropped += this.queue.length - MAX_QUEUED_EPHEMERAL;
      this.queue.splice(0, this.queue.length - MAX_QUEUED_EPHEMERAL);
    }
    this.flushing ??= this.flush().finally(() => (this.flushing = undefined));
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.waking;
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.listening?.close();
  }

  private async flush(): Promise<void> {
    // Let the current tick's messages join the batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      if (this.dropped > 0) {
        this.logger.warn(
          { dropped: this.dropped },
          'ephemeral messages dropped: the database is not keeping up',
        );
        this.dropped = 0;
      }
      const payloads = packPayloads(this.self, this.queue.splice(0));
      for (let start = 0; start < payloads.length; start += PAYLOADS_PER_STATEMENT) {
        const batch = payloads.slice(start, start + PAYLOADS_PER_STATEMENT);
        await this.notifications
          .notify(EPHEMERAL_CHANNEL, batch)
          .catch((error: unknown) =>
            this.logger.warn({ err: error }, 'could not publish ephemeral messages'),
          );
      }
    }
  }

  private async sendWakeUps(): Promise<void> {
    while (this.unannounced.length > 0) {
      const carried = `${this.self}|${JSON.stringify(this.unannounced.splice(0))}`;
      const payload = Buffer.byteLength(carried) < MAX_NOTIFY_BYTES ? carried : this.self;
      await this.notifications
        .notify(NOTIFY_CHANNEL, [payload])
        .catch((error: unknown) => this.logger.warn({ err: error }, 'could not wake the other instances'));
    }
  }

  /** Another instance's wake-up: the events it carries, or else a read of the table. */
  private woken(handlers: TransportHandlers, payload: string): void {
    const bar = payload.indexOf('|');
    let events: (Omit<StoredEvent, 'createdAt'> & { createdAt: string })[];
    try {
      events = bar < 0 ? [] : (JSON.parse(payload.slice(bar + 1)) as typeof events);
    } catch {
      events = [];
    }
    if (!Array.isArray(events) || events.length === 0) return handlers.wake();
    handlers.committed(events.map((event) => ({ ...event, createdAt: new Date(event.createdAt) })));
  }

  private reconnect(handlers: TransportHandlers, delayMs: number): void {
    if (this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.start(handlers).catch((error: unknown) => {
        this.logger.warn({ err: error }, 'LISTEN reconnect failed');
        this.reconnect(handlers, Math.min(delayMs * 2, 30_000));
      });
    }, delayMs);
  }
}

/** NATS core pub/sub for larger fleets; the table stays the source of truth, NATS only wakes readers up. */
export class NatsTransport implements ClusterTransport {
  readonly name = 'nats';
  private connection?: NatsConnection;
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly url: string,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  async start(handlers: TransportHandlers): Promise<void> {
    const { connect, Events, JSONCodec } = await import('nats');
    const codec = JSONCodec<EphemeralMessage>();
    this.connection = await connect({ servers: this.url, name: 'jokkaer', maxReconnectAttempts: -1 });
    const events = this.connection.subscribe(`${this.prefix}.events`, { callback: () => handlers.wake() });
    const ephemeral = this.connection.subscribe(`${this.prefix}.ephemeral`, {
      callback: (error, message) => {
        if (!error) handlers.ephemeral(codec.decode(message.data));
      },
    });
    this.subscriptions.push(events, ephemeral);
    void (async () => {
      for await (const status of this.connection!.status()) {
        if (status.type === Events.Reconnect) handlers.wake();
        else if (status.type === Events.Disconnect) this.logger.warn('NATS disconnected; reconnecting');
      }
    })();
    handlers.wake();
  }

  committed(events: StoredEvent[]): void {
    this.publish(`${this.prefix}.events`, events[events.length - 1].seq);
  }

  publishEphemeral(message: EphemeralMessage): void {
    this.publish(`${this.prefix}.ephemeral`, JSON.stringify(message));
  }

  /** A wake-up or an ephemeral message lost while disconnected is harmless: readers poll the table. */
  private publish(subject: string, payload: string): void {
    try {
      this.connection?.publish(subject, Buffer.from(payload));
    } catch (error) {
      this.logger.debug({ err: error, subject }, 'NATS publish dropped');
    }
  }

  async close(): Promise<void> {
    await this.connection?.drain().catch(() => undefined);
  }
}
