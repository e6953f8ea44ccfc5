import type { DomainEvent } from '@jokkaer/sdk-plugin/events';
import type { AppView } from '../features/blocks/api';

export type RealtimeStatus = 'connecting' | 'online' | 'reconnecting';

export interface RealtimeHandlers {
  /** A single-use ticket for the socket URL (POST /api/v1/realtime/tickets). */
  ticket(): Promise<string>;
  event: (event: DomainEvent) => void;
  /** The server could not replay what was missed: whatever is on screen must be fetched again. */
  resync: () => void;
  status: (status: RealtimeStatus) => void;
  /** Typing, presence and a command's later answer for this person: frames never stored nor replayed. */
  signal?: (frame: SignalFrame) => void;
}

export type PresenceStatus = 'online' | 'away' | 'offline';
export type SignalFrame =
  | { type: 'typing'; channelId: string; userId: string }
  | { type: 'presence'; statuses: { userId: string; status: PresenceStatus }[] }
  | {
      type: 'command.response';
      channelId: string;
      threadId: string | null;
      userId: string;
      text: string;
      blocks?: { type: string }[];
      attachments?: object[];
    }
  | { type: 'view.opened'; view: AppView }
  | { type: 'view.closed'; rootViewId: string };

/** A WebRTC signal relayed by the server from another participant of a call (an SDP description or a candidate). */
export interface CallSignalFrame {
  type: 'call.signal';
  callId: string;
  from: string;
  signal: CallSignal;
}
export type CallSignal =
  { type: 'offer' | 'answer'; sdp: string } | { type: 'candidate'; candidate: RTCIceCandidateInit };

/** What a feature listening on the socket receives besides the query cache: domain events and call signals. */
export type ListenedFrame = DomainEvent | CallSignalFrame;

type ClientFrame =
  | { type: 'typing'; channelId: string }
  | { type: 'call.signal'; callId: string; to: string; signal: CallSignal };

type ServerFrame =
  | { type: 'hello'; seq: number }
  | { type: 'resync_required'; seq: number }
  | { type: 'resumed' | 'pong' | 'error' }
  | SignalFrame
  | CallSignalFrame
  | (DomainEvent & { seq: number });

const MAX_BACKOFF_MS = 30_000;

/**
 * The realtime socket: connects with a ticket, delivers each event once in order, and after a drop reconnects
 * (with growing, jittered delays) and resumes after the last event it delivered, so nothing is missed.
 */
export class RealtimeConnection {
  private socket: WebSocket | undefined;
  private lastSeq: number | undefined;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly listeners = new Set<(frame: ListenedFrame) => void>();
  private readonly statusListeners = new Set<(status: RealtimeStatus) => void>();

  constructor(private readonly handlers: RealtimeHandlers) {}

  start(): void {
    this.setStatus('connecting');
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.socket?.close(1000);
  }

  /** The network is back: a reconnect waiting out its backoff happens now. */
  reconnectNow(): void {
    if (this.stopped || this.retryTimer === undefined) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.attempts = 0;
    void this.connect();
  }

  /**
   * Sends a client frame when the socket is open (typing notices are worth nothing later; a call renegotiates
   * what was lost once the socket is back). Answers whether it went.
   */
  send(frame: ClientFrame): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Hands every event and call signal to the listener, until the returned function is called. */
  listen(listener: (frame: ListenedFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells the listener of each status change, until the returned function is called. */
  watchStatus(listener: (status: RealtimeStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private setStatus(status: RealtimeStatus): void {
    this.handlers.status(status);
    for (const listener of this.statusListeners) listener(status);
  }

  private async connect(): Promise<void> {
    let ticket: string;
    try {
      ticket = await this.handlers.ticket();
    } catch {
      return this.retry();
    }
    if (this.stopped) return;
    const url = new URL('/api/v1/realtime', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('ticket', ticket);
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onmessage = (message) => this.receive(socket, JSON.parse(String(message.data)) as ServerFrame);
    socket.onclose = () => {
      if (this.socket === socket) this.retry();
    };
  }

  private receive(socket: WebSocket, frame: ServerFrame): void {
    if ('seq' in frame && 'data' in frame) {
      // A replayed event can overlap one already delivered live.
      if (this.lastSeq !== undefined && frame.seq <= this.lastSeq) return;
      this.lastSeq = frame.seq;
      this.handlers.event(frame);
      for (const listener of this.listeners) listener(frame);
      return;
    }
    switch (frame.type) {
      case 'hello':
        this.attempts = 0;
        if (this.lastSeq === undefined) {
          this.lastSeq = frame.seq;
          // What the page fetched before its first socket opened misses the events in between: fetch it again.
          this.handlers.resync();
        } else socket.send(JSON.stringify({ type: 'resume', afterSeq: this.lastSeq }));
        this.setStatus('online');
        return;
      case 'resync_required':
        this.lastSeq = frame.seq;
        this.handlers.resync();
        return;
      case 'typing':
      case 'presence':
      case 'command.response':
      case 'view.opened':
      case 'view.closed':
        this.handlers.signal?.(frame);
        return;
      case 'call.signal':
        for (const listener of this.listeners) listener(frame);
        return;
      default:
        return;
    }
  }

  private retry(): void {
    if (this.stopped) return;
    this.setStatus('reconnecting');
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempts) * (0.5 + Math.random() / 2);
    this.attempts += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
  }
}
