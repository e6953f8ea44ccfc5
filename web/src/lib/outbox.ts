import type { QueryClient } from '@tanstack/react-query';
import { api, ApiError, data } from './api/client';
import { addMessage, messageKeys, type OutgoingMessage } from './message-cache';

/**
 * Waits before each automatic retry of a send that met a passing failure: no answer while the browser is
 * online, or a proxy saying the instance behind it is gone or busy (502, 503, 504) while another takes over.
 * After these it shows failed; offline, it shows failed at once and goes when the connection is back.
 */
const RETRY_DELAYS_MS = [500, 2_000];
const passing = (error: unknown) =>
  error instanceof ApiError ? [502, 503, 504].includes(error.status) : navigator.onLine;

/** Per channel, the last send queued: the next one starts after it has settled. */
const sending = new Map<string, Promise<boolean>>();

/**
 * Posts a message written here, with its clientMsgId: on success the server's copy replaces it, else it is
 * marked failed. However often it is sent, the server stores it once. Answers whether it went through. Sends
 * in one channel go one at a time, in the order they were written: the server orders messages as they
 * arrive, and two requests in flight together may arrive either way round.
 */
export function deliver(client: QueryClient, entry: OutgoingMessage): Promise<boolean> {
  const previous = sending.get(entry.channelId);
  // With nothing ahead of it, the request starts now, before the screen redraws (the sender's Enter-to-delivery
  // time counts every task in between).
  const next = previous ? previous.then(() => post(client, entry)) : post(client, entry);
  sending.set(entry.channelId, next);
  void next.finally(() => {
    if (sending.get(entry.channelId) === next) sending.delete(entry.channelId);
  });
  return next;
}

async function post(client: QueryClient, entry: OutgoingMessage): Promise<boolean> {
  const key = messageKeys.outbox(entry.channelId, entry.threadId);
  const mark = (status: OutgoingMessage['status']) =>
    client.setQueryData<OutgoingMessage[]>(key, (outbox = []) =>
      outbox.map((item) => (item.clientMsgId === entry.clientMsgId ? { ...item, status } : item)),
    );
  mark('pending');
  const send = () =>
    data(
      api.POST('/api/v1/channels/{channelId}/messages', {
        params: { path: { channelId: entry.channelId } },
        body: {
          text: entry.text,
          clientMsgId: entry.clientMsgId,
          ...(entry.files?.length ? { fileIds: entry.files.map((file) => file.id) } : {}),
          ...(entry.threadId ? { threadId: entry.threadId } : {}),
          ...(entry.threadId && entry.alsoSentToChannel ? { alsoSentToChannel: true } : {}),
        },
      }),
    );
  for (let attempt = 0; ; attempt += 1) {
    try {
      addMessage(client, await send());
      return true;
    } catch (error) {
      // The same clientMsgId: however many of these reached the server, it stores the message once.
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !passing(error)) {
        mark('failed');
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * Back online: sends again what failed, oldest first and one at a time, so the messages keep the order they
 * were written in; stops at the first that still fails (the connection is not back after all).
 */
export async function resendFailed(client: QueryClient): Promise<void> {
  const failed = client
    .getQueriesData<OutgoingMessage[]>({ queryKey: ['outbox'] })
    .flatMap(([, outbox]) => outbox ?? [])
    .filter((entry) => entry.status === 'failed')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const entry of failed) {
    if (!(await deliver(client, entry))) return;
  }
}
