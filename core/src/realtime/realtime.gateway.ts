import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import type { AuthContext } from '../common/auth-context';
import { Clock } from '../common/clock';
import { LOGGER } from '../common/logger';
import { databaseUnavailable, problemDocument } from '../common/problem';
import { OTHER_WEBSOCKET_PATHS, rejectUpgrade } from '../common/websocket-upgrade';
import { describeErrors } from '../common/validation';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { isDatabaseUnavailable } from '../database/errors';
import type { EphemeralMessage } from '../events/cluster-transport';
import { EventBus } from '../events/event-bus';
import { EventFeed } from '../events/event-feed';
import type { StoredEvent } from '../events/events.repository';
import { MembershipCache } from '../memberships/membership-cache';
import { Audience, audienceOf, canSee, ViewerScope } from './audience';
import { FrameRateLimiter } from './frame-rate-limiter';
import { PresenceService } from './presence.service';
import { RealtimeFrames } from './realtime-frames';
import { RealtimeClient as Client, RealtimeSockets, textFrame } from './realtime-sockets';
import { CLOSE, ClientFrame, clientFrameSchema } from './realtime.schemas';
import { RealtimeService } from './realtime.service';
import { Timers } from '../common/timers';

export const REALTIME_PATH = '/api/v1/realtime';
const MAX_CLIENT_FRAME_BYTES = 16 * 1024;
const TYPING_INTERVAL_MS = 2_000;
const REPLAY_BATCH = 500;

const validateFrame = addFormats(new Ajv({ allErrors: true })).compile<ClientFrame>(clientFrameSchema);

/**
 * The realtime stream at /api/v1/realtime: each visible event in order, resume by sequence, typing; presence
 * is PresenceService's, the frame rate limit FrameRateLimiter's. Visibility is decided when an event is sent, from the membership cache, which the feed brings up
 * to date with each batch before it is sent here: a member removed from a channel or workspace receives
 * none of the events after the one that removed them.
 */
@Injectable()
export class RealtimeGateway
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES });
  /** The last seq whose delivery to sockets finished. */
  private dispatched = 0n;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly feed: EventFeed,
    private readonly bus: EventBus,
    private readonly memberships: MembershipCache,
    private readonly service: RealtimeService,
    private readonly sockets: RealtimeSockets,
    private readonly presence: PresenceService,
    private readonly limiter: FrameRateLimiter,
    private readonly frames: RealtimeFrames,
    private readonly clock: Clock,
    private readonly timers: Timers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as import('node:http').Server;
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(request, socket, head).catch((error: unknown) => {
        if (isDatabaseUnavailable(error)) {
          this.logger.warn({ err: error }, 'realtime upgrade refused: database unavailable');
          const problem = databaseUnavailable();
          return rejectUpgrade(socket, problem.getStatus(), problem.message, problem.headers);
        }
        this.logger.error({ err: error }, 'realtime upgrade failed');
        rejectUpgrade(socket, 500, 'The connection could not be opened');
      });
    });
    this.feed.subscribe((events) => this.dispatch(events));
    this.bus.onEphemeral((message) => void this.onEphemeral(message));
    this.timers.every(this.config.pingIntervalMs, () => this.reap());
  }

  /** Before the HTTP server closes: sockets would hold it open. Clients reconnect elsewhere and resume. */
  beforeApplicationShutdown(): void {
    for (const client of this.sockets.all()) client.ws.close(CLOSE.goingAway, 'server shutting down');
  }

  onApplicationShutdown(): void {
    for (const client of this.sockets.all()) client.ws.terminate();
    this.wss.close();
  }

  /** The seq a client is current with right after hello. */
  head(): bigint {
    const fed = BigInt(this.feed.seq);
    return fed > this.dispatched ? fed : this.dispatched;
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (OTHER_WEBSOCKET_PATHS.has(url.pathname)) return; // answered by their own listener
    if (url.pathname !== REALTIME_PATH) return rejectUpgrade(socket, 404, 'No WebSocket endpoint here');
    const auth = await this.service.authenticate(
      request.headers.authorization,
      url.searchParams.get('ticket'),
    );
    if (!auth) return rejectUpgrade(socket, 401, 'A valid bearer token or a fresh ticket is required');
    // Checked and counted without yielding (handleUpgrade connects synchronously), so bursts cannot overshoot.
    if (this.sockets.count(auth.userId) >= this.config.realtimeMaxSocketsPerUser) {
      return rejectUpgrade(
        socket,
        429,
        `At most ${this.config.realtimeMaxSocketsPerUser} open sockets per user`,
      );
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.connected(ws, auth));
  }

  private connected(ws: WebSocket, auth: AuthContext): void {
    const seq = this.head();
    const client: Client = {
      ws,
      auth,
      low: seq,
      high: seq,
      resuming: false,
      alive: true,
      lastActivity: this.clock.now(),
      away: false,
      typedAt: new Map(),
      extensions: Promise.resolve(),
      frames: this.limiter.bucket(),
    };
    this.sockets.add(client);
    if (auth.expiresAt) {
      const ms = Math.max(0, auth.expiresAt.getTime() - this.clock.now());
      client.expiryTimer = setTimeout(
        () => ws.close(CLOSE.unauthorized, 'token expired'),
        Math.min(ms, 2 ** 31 - 1),
      );
    }
    ws.on('pong', () => (client.alive = true));
    ws.on('message', (data, isBinary) => void this.onFrame(client, data as Buffer, isBinary));
    ws.on('close', () => this.disconnected(client));
    ws.on('error', (error) => this.logger.debug({ err: error }, 'realtime socket error'));
    this.sockets.send(
      client,
      JSON.stringify({ type: 'hello', seq: Number(seq), userId: auth.userId }),
      false,
    );
    this.presence.changed();
  }

  private disconnected(client: Client): void {
    clearTimeout(client.expiryTimer);
    this.sockets.remove(client);
    this.presence.changed();
  }

  private async onFrame(client: Client, data: Buffer, isBinary: boolean): Promise<void> {
    client.alive = true;
    const admission = this.limiter.admit(client.frames);
    if (!admission.admitted) return admission.notice ? this.error(client, admission.notice) : undefined;
    let frame: unknown;
    try {
      frame = isBinary ? undefined : JSON.parse(data.toString('utf8'));
    } catch {
      frame = undefined;
    }
    if (frame === undefined) return this.error(client, 'Frames are JSON text');
    const fields = typeof frame === 'object' && frame !== null ? (frame as Record<string, unknown>) : {};
    const extension = this.frames.find(fields.type);
    if (extension) {
      client.extensions = client.extensions.then(() => this.extensionFrame(client, extension, fields));
      return await client.extensions;
    }
    if (!validateFrame(frame))
      return this.error(client, 'Unknown or malformed frame', describeErrors(validateFrame.errors));
    try {
      switch (frame.type) {
        case 'ping':
          return this.sockets.send(client, JSON.stringify({ type: 'pong' }), false);
        case 'resume':
          this.touch(client);
          return await this.resume(client, BigInt(frame.afterSeq));
        case 'typing':
          this.touch(client);
          return await this.typing(client, frame.channelId);
        case 'presence':
          client.away = frame.status === 'away';
          if (!client.away) client.lastActivity = this.clock.now();
          return this.presence.changed();
      }
    } catch (error) {
      this.logger.error({ err: error }, 'realtime frame failed');
      this.error(client, 'The frame could not be handled');
    }
  }

  /** Delivers a batch from the feed: each event to the sockets allowed to see it now, in seq order. */
  private async dispatch(events: StoredEvent[]): Promise<void> {
    for (const event of events) {
      const seq = BigInt(event.seq);
      if (event.type === 'token.revoked') {
        const { tokenId } = event.data as { tokenId: string };
        for (const client of this.sockets.all()) {
          if (client.auth.tokenId === tokenId) client.ws.close(CLOSE.unauthorized, 'token revoked');
        }
      } else if (!this.sockets.isEmpty) {
        const recipients = await this.recipients(audienceOf(event));
        const frame = textFrame({ seq: Number(seq), type: event.type, data: event.data });
        for (const userId of recipients) {
          for (const client of this.sockets.of(userId)) {
            if (!client.resuming && seq > client.high) {
              this.sockets.send(client, frame, false);
              client.high = seq;
            }
          }
        }
      }
      this.dispatched = seq;
    }
  }

  /** Connected users in an audience, as the membership cache has them now. */
  private async recipients(audience: Audience): Promise<Set<string>> {
    const result = new Set<string>();
    const connected = (userId: string | undefined) => {
      if (userId !== undefined && this.sockets.isConnected(userId)) result.add(userId);
    };
    if (audience.kind === 'nobody') return result;
    if (audience.kind === 'channel') {
      (await this.memberships.channel(audience.channelId))?.memberIds.forEach(connected);
      connected(audience.alsoUserId);
      if (!audience.nonGuests) return result;
    }
    const roles = await this.memberships.workspaceRoles(audience.workspaceId);
    if (audience.kind === 'user') {
      if (roles.has(audience.userId)) connected(audience.userId);
      return result;
    }
    for (const [userId, role] of roles) {
      if (
        audience.kind === 'admins'
          ? role === 'owner' || role === 'admin'
          : audience.kind === 'workspace' || role !== 'guest'
      )
        connected(userId);
    }
    if (audience.kind === 'workspace') connected(audience.alsoUserId);
    return result;
  }

  /**
   * Replays the visible events after `afterSeq` that this socket has not had, then hands it back to live
   * delivery with no gap: live events are held back while it catches up to whatever has been dispatched.
   */
  private async resume(client: Client, afterSeq: bigint): Promise<void> {
    const head = this.head();
    if (afterSeq > head) return this.error(client, `afterSeq is ahead of the stream (at ${head})`);
    if (client.resuming) return this.error(client, 'A resume is already running');
    if (afterSeq < client.low && (await this.tooOld(afterSeq, client.low))) {
      return this.sockets.send(client, JSON.stringify({ type: 'resync_required', seq: Number(head) }), false);
    }
    client.resuming = true;
    try {
      const scope = await this.service.viewerScope(client.auth.userId);
      if (afterSeq < client.low) await this.replay(client, scope, afterSeq, client.low);
      let from = afterSeq > client.high ? afterSeq : client.high;
      while (from < this.dispatched && !isClosed(client)) {
        const until = this.dispatched;
        await this.replay(client, scope, from, until);
        from = until;
      }
      // No await from the loop's last check to here: nothing can be dispatched in between.
      if (afterSeq < client.low) client.low = afterSeq;
      if (from > client.high) client.high = from;
      this.sockets.send(
        client,
        JSON.stringify({ type: 'resumed', afterSeq: Number(afterSeq), seq: Number(client.high) }),
        false,
      );
    } finally {
      client.resuming = false;
    }
  }

  private async replay(client: Client, scope: ViewerScope, after: bigint, until: bigint): Promise<void> {
    for (let cursor = after; cursor < until && !isClosed(client);) {
      const batch = await this.service.readEvents(cursor, until, REPLAY_BATCH);
      if (batch.length === 0) return;
      for (const event of batch) {
        if (!canSee(audienceOf(event), scope)) continue;
        // A replay goes at the pace the client reads, instead of tripping the slow-consumer limit.
        while (client.ws.bufferedAmount > this.config.maxBufferedBytes / 2 && !isClosed(client)) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        this.sockets.send(
          client,
          JSON.stringify({ seq: Number(event.seq), type: event.type, data: event.data }),
          false,
        );
      }
      cursor = BigInt(batch[batch.length - 1].seq);
    }
  }

  /** A resume is refused when it reaches back further than the retention (count or age). */
  private async tooOld(afterSeq: bigint, until: bigint): Promise<boolean> {
    if (until - afterSeq > BigInt(this.config.resumeMaxEvents)) return true;
    const [first] = await this.service.readEvents(afterSeq, until, 1);
    return (
      first !== undefined &&
      this.clock.now() - first.createdAt.getTime() > this.config.resumeMaxAgeSeconds * 1000
    );
  }

  /** A frame another domain answers (RealtimeFrames): validated by its schema, delivered where it says. */
  private async extensionFrame(
    client: Client,
    extension: NonNullable<ReturnType<RealtimeFrames['find']>>,
    frame: Record<string, unknown>,
  ): Promise<void> {
    if (!extension.validate(frame)) {
      return this.error(client, 'Unknown or malformed frame', describeErrors(extension.validate.errors));
    }
    try {
      const outcome = await extension.handle(client.auth.userId, frame);
      if ('error' in outcome) return this.error(client, outcome.error);
      this.bus.publishEphemeral({ kind: 'user_frame', userId: outcome.to, frame: outcome.frame }, true);
    } catch (error) {
      this.logger.error({ err: error }, 'realtime frame failed');
      this.error(client, 'The frame could not be handled');
    }
  }

  private async typing(client: Client, channelId: string): Promise<void> {
    const now = this.clock.now();
    if (now - (client.typedAt.get(channelId) ?? 0) < TYPING_INTERVAL_MS) return;
    client.typedAt.set(channelId, now);
    if (!(await this.memberships.channel(channelId))?.memberIds.has(client.auth.userId)) {
      return this.error(client, 'Channel not found');
    }
    this.bus.publishEphemeral({ kind: 'typing', channelId, userId: client.auth.userId });
    await this.deliverTyping(channelId, client.auth.userId);
  }

  private async deliverTyping(channelId: string, userId: string): Promise<void> {
    const frame = textFrame({ type: 'typing', channelId, userId });
    for (const memberId of (await this.memberships.channel(channelId))?.memberIds ?? []) {
      if (memberId === userId) continue;
      this.sockets.sendToUser(memberId, frame, true);
    }
  }

  private async onEphemeral(message: EphemeralMessage): Promise<void> {
    try {
      if (message.kind === 'typing') {
        await this.deliverTyping(message.channelId as string, message.userId as string);
      } else if (message.kind === 'user_frame') {
        // A frame for one person's sockets only, never stored (an app's ephemeral answer).
        const frame = JSON.stringify(message.frame);
        this.sockets.sendToUser(message.userId as string, frame, true);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not handle an ephemeral message');
    }
  }

  private touch(client: Client): void {
    client.lastActivity = this.clock.now();
    if (client.away) client.away = false;
  }

  /** Pings every socket; one that did not answer the previous ping is gone. */
  private reap(): void {
    for (const client of this.sockets.all()) {
      if (!client.alive) {
        client.ws.terminate(); // a peer that does not answer pings would not read a close frame either
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }

  private error(client: Client, detail: string, errors?: { path: string; message: string }[]): void {
    this.sockets.send(
      client,
      JSON.stringify({ type: 'error', error: problemDocument(400, detail, errors) }),
      false,
    );
  }
}

const isClosed = (client: Client) => client.ws.readyState !== WebSocket.OPEN;
