import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { hashToken } from '../auth/tokens';
import { Clock } from '../common/clock';
import { LOGGER } from '../common/logger';
import { rejectUpgrade, SLACK_SOCKET_PATH } from '../common/websocket-upgrade';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import type { EphemeralMessage } from '../events/cluster-transport';
import { EventBus } from '../events/event-bus';
import { Metrics } from '../metrics/metrics';
import { slackId } from './slack-ids';
import { SlackRepository } from './slack.repository';
import { SlackError } from './slack.schemas';
import { Timers } from '../common/timers';

/** Slack gives an app 3 s to acknowledge an envelope. */
const ACK_TIMEOUT_MS = 3000;
/** A ticket from apps.connections.open is good for one connection, within this time. */
const TICKET_TTL_MS = 30_000;
/** After `disconnect`, how long the app has to open its new connection before the old one is closed. */
const DISCONNECT_GRACE_MS = 5000;
/** How often an instance tells the others which apps have a socket on it; unheard-of for 3 times that, gone. */
const ANNOUNCE_INTERVAL_MS = 10_000;
/**
 * An app between two connections gets this long to open its next one; its envelopes wait for it rather than
 * fall back to HTTP. Slack's own client closes its socket on `disconnect` and opens the next one 5 s later.
 */
const RECONNECT_WINDOW_MS = 10_000;
/** A relayed envelope's answer crosses the cluster twice more than a local one's. */
const RELAY_MARGIN_MS = 1000;

/** Between instances: which apps have sockets where, an envelope for another's socket, and its outcome. */
const APPS_HERE = 'slack_socket.apps';
const ASK_APPS = 'slack_socket.ask';
const RELAY = 'slack_socket.envelope';
const RELAY_OUTCOME = 'slack_socket.outcome';

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

export type EnvelopeOutcome = { acked: true; payload?: unknown } | { acked: false; reason: string };

interface Connection {
  ws: WebSocket;
  appId: string;
  tokenId: string;
  refreshTimer?: NodeJS.Timeout;
  /** Told to reconnect: used only until the app's new connection is up. */
  closing?: boolean;
  /** Its token was revoked: the app is not expected back. */
  disabled?: boolean;
}

interface Pending {
  resolve(outcome: EnvelopeOutcome): void;
}

interface Envelope {
  appId: string;
  type: EnvelopeType;
  payload: unknown;
  retry?: { attempt: number; reason: string };
}

/**
 * Slack's Socket Mode: an app-level token (xapp-…) asks apps.connections.open for a URL with a single-use
 * ticket; the socket says `hello`, carries `events_api` and `slash_commands` envelopes the app acknowledges
 * by `envelope_id`, and says `disconnect` (refresh_requested, warning, link_disabled) before the server closes
 * it, so the app opens a new one first. Connections live on the instance they reached; instances tell each
 * other which apps they hold sockets for, so an envelope for an app connected elsewhere is relayed to that
 * instance (over the event bus's ephemeral messages) and its acknowledgement relayed back.
 */
@Injectable()
export class SlackSocketMode
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  private readonly tickets = new Map<string, { appId: string; tokenId: string; expiresAt: number }>();
  private readonly byApp = new Map<string, Connection[]>();
  private readonly pending = new Map<string, Pending>();
  /** Envelopes waiting for an app's new connection while its old one closes. */
  private readonly arrivals = new Map<string, ((connection: Connection | undefined) => void)[]>();
  /** When each app's last socket here closed, while it may still be reconnecting. */
  private readonly lastClosed = new Map<string, number>();
  private turn = 0;
  /** Other instances by id: the apps with a socket there, and until when that is believed. */
  private readonly elsewhere = new Map<string, { apps: Set<string>; until: number }>();
  /** Envelopes relayed to another instance, waiting for their outcome. */
  private readonly relayed = new Map<string, Pending>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly repository: SlackRepository,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly timers: Timers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    metrics.readGauge(
      'slack_socket_connections',
      'Slack Socket Mode connections open on this instance',
      () => this.connections().length,
      'sum',
    );
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (new URL(request.url ?? '/', 'http://localhost').pathname !== SLACK_SOCKET_PATH) return;
      this.upgrade(request, socket, head);
    });
    this.bus.onEphemeral((message) => this.fromElsewhere(message));
    this.bus.publishEphemeral({ kind: ASK_APPS });
    this.timers.every(ANNOUNCE_INTERVAL_MS, () => this.announce());
  }

  /** Apps are told to reconnect (elsewhere) before the server goes. */
  beforeApplicationShutdown(): void {
    for (const connection of this.connections()) this.disconnect(connection, 'warning');
  }

  onApplicationShutdown(): void {
    // Nothing waiting for an app's next connection outlives the server.
    for (const waiting of this.arrivals.values()) for (const arrived of waiting) arrived(undefined);
    this.arrivals.clear();
    for (const connection of this.connections()) connection.ws.terminate();
    this.wss.close();
  }

  /** apps.connections.open: a WebSocket URL on this server for an app-level token with connections:write. */
  async open(token: unknown, origin: string): Promise<{ url: string }> {
    if (typeof token !== 'string' || token === '') throw new SlackError('not_authed');
    if (!token.startsWith('xapp-')) throw new SlackError('not_allowed_token_type');
    const appToken = await this.repository.appToken(hashToken(token));
    if (!appToken) throw new SlackError('invalid_auth');
    if (!appToken.scopes.includes('connections:write')) throw new SlackError('missing_scope');
    const now = this.clock.now();
    for (const [ticket, entry] of this.tickets) if (entry.expiresAt <= now) this.tickets.delete(ticket);
    const ticket = randomBytes(24).toString('base64url');
    this.tickets.set(ticket, { appId: appToken.appId, tokenId: appToken.id, expiresAt: now + TICKET_TTL_MS });
    const base = new URL(SLACK_SOCKET_PATH, origin.replace(/^http/, 'ws'));
    base.searchParams.set('ticket', ticket);
    return { url: base.toString() };
  }

  /**
   * Whether the app has a socket on this instance or, as far as this one knows, on another, or is reconnecting
   * to this one.
   */
  connected(appId: string): boolean {
    return (
      (this.byApp.get(appId)?.length ?? 0) > 0 ||
      this.instanceWith(appId) !== undefined ||
      this.reconnecting(appId)
    );
  }

  private reconnecting(appId: string): boolean {
    const closedAt = this.lastClosed.get(appId);
    if (closedAt === undefined) return false;
    if (this.clock.now() - closedAt < RECONNECT_WINDOW_MS) return true;
    this.lastClosed.delete(appId);
    return false;
  }

  /**
   * Sends an envelope through one of the app's sockets, here or on the instance that has one, and waits up to
   * 3 s for its acknowledgement (with the response payload an app may send back to a slash command).
   */
  async send(
    appId: string,
    type: EnvelopeType,
    payload: unknown,
    retry?: { attempt: number; reason: string },
  ): Promise<EnvelopeOutcome> {
    const envelope = { appId, type, payload, ...(retry ? { retry } : {}) };
    if (this.fresh(appId)) return this.sendHere(envelope);
    const instanceId = this.instanceWith(appId);
    return instanceId ? this.relay(instanceId, envelope) : this.sendHere(envelope);
  }

  private async sendHere({ appId, type, payload, retry }: Envelope): Promise<EnvelopeOutcome> {
    // A connection told to reconnect carries nothing new (the app could not acknowledge it): the app's next
    // connection does, if it comes in time (the app may be between two).
    const connection = this.fresh(appId) ?? (await this.nextConnection(appId));
    if (!connection) return { acked: false, reason: 'no Socket Mode connection' };
    const envelopeId = randomUUID();
    return new Promise<EnvelopeOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        resolve({ acked: false, reason: `no acknowledgement within ${ACK_TIMEOUT_MS} ms` });
      }, ACK_TIMEOUT_MS);
      this.pending.set(envelopeId, {
        resolve: (outcome) => {
          clearTimeout(timer);
          this.pending.delete(envelopeId);
          resolve(outcome);
        },
      });
      connection.ws.send(
        JSON.stringify({
          envelope_id: envelopeId,
          payload,
          type,
          accepts_response_payload: type !== 'events_api',
          retry_attempt: retry?.attempt ?? 0,
          retry_reason: retry?.reason ?? '',
        }),
      );
    });
  }

  /** Hands the envelope to an instance holding one of the app's sockets; its outcome comes back the same way. */
  private relay(instanceId: string, envelope: Envelope): Promise<EnvelopeOutcome> {
    const relayId = randomUUID();
    return new Promise<EnvelopeOutcome>((resolve) => {
      const timer = setTimeout(
        () => {
          this.relayed.delete(relayId);
          resolve({ acked: false, reason: `no acknowledgement within ${ACK_TIMEOUT_MS} ms (relayed)` });
        },
        RECONNECT_WINDOW_MS + ACK_TIMEOUT_MS + RELAY_MARGIN_MS,
      );
      this.relayed.set(relayId, {
        resolve: (outcome) => {
          clearTimeout(timer);
          this.relayed.delete(relayId);
          resolve(outcome);
        },
      });
      this.bus.publishEphemeral({ kind: RELAY, to: instanceId, relayId, envelope });
    });
  }

  private fromElsewhere(message: EphemeralMessage): void {
    switch (message.kind) {
      case ASK_APPS:
        return this.announce();
      case APPS_HERE: {
        const apps = message.apps as string[];
        if (apps.length === 0) this.elsewhere.delete(message.origin);
        else {
          const until = this.clock.now() + ANNOUNCE_INTERVAL_MS * 3;
          this.elsewhere.set(message.origin, { apps: new Set(apps), until });
        }
        return;
      }
      case RELAY: {
        if (message.to !== this.bus.instanceId) return;
        // Sent through a socket here only: never relayed on, so an envelope cannot travel in circles.
        void this.sendHere(message.envelope as Envelope).then((outcome) =>
          this.bus.publishEphemeral({
            kind: RELAY_OUTCOME,
            to: message.origin,
            relayId: message.relayId,
            outcome,
          }),
        );
        return;
      }
      case RELAY_OUTCOME:
        if (message.to === this.bus.instanceId) {
          this.relayed.get(message.relayId as string)?.resolve(message.outcome as EnvelopeOutcome);
        }
    }
  }

  /** Tells the other instances which apps have a usable socket here (none: forget this instance). */
  private announce(): void {
    const apps = [...this.byApp.keys()].filter((appId) => this.usable(appId).length > 0);
    this.bus.publishEphemeral({ kind: APPS_HERE, apps });
  }

  /** Another instance believed to hold a socket of the app. */
  private instanceWith(appId: string): string | undefined {
    const now = this.clock.now();
    for (const [instanceId, known] of this.elsewhere) {
      if (known.until <= now) this.elsewhere.delete(instanceId);
      else if (known.apps.has(appId)) return instanceId;
    }
    return undefined;
  }

  /** The app's sockets here that carry new envelopes (open, not told to reconnect). */
  private usable(appId: string): Connection[] {
    return (this.byApp.get(appId) ?? []).filter(
      (connection) => !connection.closing && connection.ws.readyState === WebSocket.OPEN,
    );
  }

  private fresh(appId: string): Connection | undefined {
    const sockets = this.usable(appId);
    return sockets.length > 0 ? sockets[this.turn++ % sockets.length] : undefined;
  }

  /** The app's next connection, if it opens within RECONNECT_WINDOW_MS (the app is reconnecting). */
  private nextConnection(appId: string): Promise<Connection | undefined> {
    return new Promise((resolve) => {
      const waiting = this.arrivals.get(appId) ?? [];
      const arrived = (connection: Connection | undefined) => {
        clearTimeout(timer);
        resolve(connection);
      };
      const timer = setTimeout(() => {
        const rest = (this.arrivals.get(appId) ?? []).filter((waiter) => waiter !== arrived);
        if (rest.length > 0) this.arrivals.set(appId, rest);
        else this.arrivals.delete(appId);
        resolve(undefined);
      }, RECONNECT_WINDOW_MS);
      waiting.push(arrived);
      this.arrivals.set(appId, waiting);
    });
  }

  /** A revoked app-level token: its sockets are told the link is disabled and closed. */
  revoked(tokenId: string): void {
    for (const connection of this.connections()) {
      if (connection.tokenId === tokenId) this.disconnect(connection, 'link_disabled');
    }
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const ticket = new URL(request.url ?? '/', 'http://localhost').searchParams.get('ticket') ?? '';
    const entry = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    if (!entry || entry.expiresAt <= this.clock.now()) {
      return rejectUpgrade(socket, 401, 'A fresh ticket from apps.connections.open is required');
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, entry.appId, entry.tokenId));
  }

  private accept(ws: WebSocket, appId: string, tokenId: string): void {
    const connection: Connection = { ws, appId, tokenId };
    const sockets = this.byApp.get(appId) ?? [];
    sockets.push(connection);
    this.byApp.set(appId, sockets);
    this.lastClosed.delete(appId);
    const waiting = this.arrivals.get(appId) ?? [];
    this.arrivals.delete(appId);
    for (const arrived of waiting) arrived(connection);
    this.announce();
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.received((data as Buffer).toString('utf8'));
    });
    ws.on('close', () => this.forget(connection));
    ws.on('error', (error) => this.logger.warn({ err: error, appId }, 'Socket Mode connection failed'));
    const refreshSeconds = this.config.slackSocketRefreshSeconds;
    connection.refreshTimer = setTimeout(
      () => this.disconnect(connection, 'refresh_requested'),
      refreshSeconds * 1000,
    );
    connection.refreshTimer.unref();
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: sockets.length,
        debug_info: { host: 'jokkaer', approximate_connection_time: refreshSeconds },
        connection_info: { app_id: slackId('A', appId) },
      }),
    );
  }

  /** An acknowledgement: `{ envelope_id, payload? }`; anything else is ignored, as Slack does. */
  private received(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    const { envelope_id: envelopeId, payload } = (message ?? {}) as {
      envelope_id?: unknown;
      payload?: unknown;
    };
    if (typeof envelopeId !== 'string') return;
    this.pending.get(envelopeId)?.resolve({ acked: true, ...(payload !== undefined ? { payload } : {}) });
  }

  private disconnect(
    connection: Connection,
    reason: 'refresh_requested' | 'warning' | 'link_disabled',
  ): void {
    clearTimeout(connection.refreshTimer);
    connection.closing = true;
    this.announce();
    // A disabled link carries nothing more; otherwise it does until the new connection is up.
    if (reason === 'link_disabled') {
      connection.disabled = true;
      this.forget(connection);
    }
    if (connection.ws.readyState !== WebSocket.OPEN) return;
    connection.ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'jokkaer' } }));
    setTimeout(
      () => connection.ws.close(1000, reason),
      reason === 'link_disabled' ? 0 : DISCONNECT_GRACE_MS,
    ).unref();
  }

  private forget(connection: Connection): void {
    clearTimeout(connection.refreshTimer);
    const rest = (this.byApp.get(connection.appId) ?? []).filter((other) => other !== connection);
    if (rest.length > 0) this.byApp.set(connection.appId, rest);
    else {
      this.byApp.delete(connection.appId);
      if (!connection.disabled) this.lastClosed.set(connection.appId, this.clock.now());
    }
    this.announce();
  }

  private connections(): Connection[] {
    return [...this.byApp.values()].flat();
  }
}
