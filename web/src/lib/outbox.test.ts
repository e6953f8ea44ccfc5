import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Message } from './api/client';
import { messageKeys, type OutgoingMessage } from './message-cache';

const entry: OutgoingMessage = {
  clientMsgId: 'c1',
  channelId: 'ch1',
  threadId: null,
  text: 'hello',
  status: 'pending',
  createdAt: '2026-03-01T10:00:00.000Z',
};
const answer = (status: number, body: unknown = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A cache that keeps what nobody watches (the fake timers would run its garbage collection). */
const keeping = () => new QueryClient({ defaultOptions: { queries: { gcTime: Infinity } } });

describe('deliver', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    vi.resetModules();
    vi.useFakeTimers();
    fetchMock = vi.fn();
    // The API client takes the fetch there is when it is created.
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  async function send(client: QueryClient) {
    const { deliver } = await import('./outbox');
    client.setQueryData(messageKeys.outbox(entry.channelId, null), [entry]);
    const sent = deliver(client, entry);
    await vi.runAllTimersAsync();
    return await sent;
  }

  it('sends again, with the same clientMsgId, when a proxy says the instance went away', async () => {
    const stored = {
      id: 'm1',
      clientMsgId: 'c1',
      channelId: 'ch1',
      threadId: null,
      text: 'hello',
    } as Message;
    fetchMock.mockResolvedValueOnce(answer(502)).mockResolvedValueOnce(answer(201, stored));
    const client = keeping();
    expect(await send(client)).toBe(true);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    const bodies = await Promise.all(
      fetchMock.mock.calls.map(
        ([request]) => (request as Request).json() as Promise<{ clientMsgId: string }>,
      ),
    );
    expect(bodies.map((body) => body.clientMsgId)).toEqual(['c1', 'c1']);
    expect(client.getQueryData(messageKeys.outbox('ch1', null))).toEqual([]);
  });

  it('shows a refused message as failed at once, and one the proxy keeps failing after two retries', async () => {
    fetchMock.mockResolvedValueOnce(answer(400, { title: 'Bad request' }));
    const client = keeping();
    expect(await send(client)).toBe(false);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(client.getQueryData(messageKeys.outbox('ch1', null))).toEqual([{ ...entry, status: 'failed' }]);

    fetchMock.mockReset();
    fetchMock.mockImplementation(() => answer(503));
    expect(await send(client)).toBe(false);
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });
});
