import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeConnection } from './realtime';

/** A socket the test drives: what the server would send, and what the client sent. */
class ScriptedSocket {
  static opened: ScriptedSocket[] = [];
  static readonly OPEN = 1;
  readyState = ScriptedSocket.OPEN;
  readonly sent: unknown[] = [];
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;

  constructor(readonly url: URL) {
    ScriptedSocket.opened.push(this);
  }

  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }

  close(): void {
    this.onclose?.();
  }

  serverSends(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

function latestSocket(): ScriptedSocket {
  const socket = ScriptedSocket.opened.at(-1);
  if (!socket) throw new Error('no socket opened yet');
  return socket;
}

describe('the realtime connection', () => {
  beforeEach(() => {
    ScriptedSocket.opened = [];
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', ScriptedSocket);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('refetches on its first hello (what the page fetched before may miss events), then resumes after drops', async () => {
    const resync = vi.fn();
    const event = vi.fn();
    const connection = new RealtimeConnection({
      ticket: () => Promise.resolve('ticket'),
      event,
      resync,
      status: () => undefined,
    });
    connection.start();
    await vi.waitFor(() => expect(ScriptedSocket.opened).toHaveLength(1));
    latestSocket().serverSends({ type: 'hello', seq: 7 });
    expect(resync).toHaveBeenCalledTimes(1);
    latestSocket().serverSends({ seq: 8, type: 'channel.created', data: {} });
    expect(event).toHaveBeenCalledTimes(1);

    latestSocket().close();
    await vi.runOnlyPendingTimersAsync();
    await vi.waitFor(() => expect(ScriptedSocket.opened).toHaveLength(2));
    latestSocket().serverSends({ type: 'hello', seq: 12 });
    expect(latestSocket().sent).toEqual([{ type: 'resume', afterSeq: 8 }]);
    expect(resync).toHaveBeenCalledTimes(1);
    connection.stop();
  });
});
