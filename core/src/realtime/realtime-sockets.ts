import { Inject, Injectable } from '@nestjs/common';
import { WebSocket } from 'ws';
import type { AuthContext } from '../common/auth-context';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { Metrics } from '../metrics/metrics';
import { CLOSE } from './realtime.schemas';
import type { FrameBucket } from './frame-rate-limiter';

/** One open socket. */
export interface RealtimeClient {
  ws: WebSocket;
  auth: AuthContext;
  /** Events this socket was given cover (low, high]: never sent twice, replays fill in below. */
  low: bigint;
  high: bigint;
  resuming: boolean;
  alive: boolean;
  lastActivity: number;
  away: boolean;
  typedAt: Map<string, number>;
  expiryTimer?: NodeJS.Timeout;
  /** Extension frames (call signals) are handled one after another, so they are relayed in the order sent. */
  extensions: Promise<void>;
  frames: FrameBucket;
}

/** This instance's open sockets by user, and sending to them with back-pressure. */
@Injectable()
export class RealtimeSockets {
  private readonly byUser = new Map<string, Set<RealtimeClient>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: Metrics,
  ) {
    metrics.readGauge(
      'realtime_open_sockets',
      'Realtime sockets open on this instance',
      () => [...this.byUser.values()].reduce((sum, sockets) => sum + sockets.size, 0),
      'sum',
    );
  }

  add(client: RealtimeClient): void {
    const own = this.byUser.get(client.auth.userId) ?? new Set<RealtimeClient>();
    own.add(client);
    this.byUser.set(client.auth.userId, own);
  }

  remove(client: RealtimeClient): void {
    const own = this.byUser.get(client.auth.userId);
    own?.delete(client);
    if (own && own.size === 0) this.byUser.delete(client.auth.userId);
  }

  /** The user's open sockets on this instance. */
  of(userId: string): Iterable<RealtimeClient> {
    return this.byUser.get(userId) ?? [];
  }

  count(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  isConnected(userId: string): boolean {
    return this.byUser.has(userId);
  }

  /** Users with a socket open here. */
  userIds(): Iterable<string> {
    return this.byUser.keys();
  }

  get isEmpty(): boolean {
    return this.byUser.size === 0;
  }

  *all(): Iterable<RealtimeClient> {
    for (const own of this.byUser.values()) yield* own;
  }

  sendToUser(userId: string, frame: string | Buffer, ephemeral: boolean): void {
    for (const client of this.of(userId)) this.send(client, frame, ephemeral);
  }

  /**
   * Back-pressure: a socket whose unsent backlog passes the limit is closed (4008; the client resumes from
   * its last seq), and ephemeral frames are dropped well before that. A frame for many sockets is best given
   * encoded (textFrame): a string is measured and encoded again for each one.
   */
  send(client: RealtimeClient, frame: string | Buffer, ephemeral: boolean): void {
    const { ws } = client;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > this.config.maxBufferedBytes) {
      // Nothing more is queued; the close frame reaches the client after the backlog (or ws gives up at 30 s).
      ws.close(CLOSE.slowConsumer, 'too slow; reconnect and resume');
      return;
    }
    if (ephemeral && ws.bufferedAmount > this.config.ephemeralDropBytes) return;
    ws.send(frame, TEXT);
  }
}

const TEXT = { binary: false };

/** A text frame's JSON, encoded once for all the sockets it goes to. */
export const textFrame = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
