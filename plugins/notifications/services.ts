import { toBase64, utf8, type PluginContext } from '@jokkaer/sdk-plugin';
import { secretKey, signedHeaders } from './signature';

/** Where each person's notifications go: the services they chose with `/notify`, each with its own target. */
export interface Services {
  ntfy?: { url: string; token?: string };
  gotify?: { url: string; token: string };
  pushover?: { userKey: string };
  webhook?: { url: string; secret: string };
}
export type ServiceName = keyof Services;
export const SERVICE_NAMES: ServiceName[] = ['ntfy', 'gotify', 'pushover', 'webhook'];

export const PUSHOVER_URL = 'https://api.pushover.net/1/messages.json';

/** One notification for one person, the same whichever services carry it. */
export interface Notification {
  /** Stable per message and person: the webhook's `webhook-id`, the same on a retry. */
  id: string;
  kind: 'mention' | 'direct' | 'test';
  title: string;
  message: string;
  /** Opens the message, when the admin configured `linkTemplate`. */
  url?: string;
  userId: string;
  messageId?: string;
  channelId?: string;
  authorId?: string;
  /** ms since the epoch. */
  at: number;
}

export interface ServiceRequest {
  url: string;
  init: { method: string; headers: Record<string, string>; body: string };
}

export interface SendContext {
  /** The instance's Pushover application token (a setting). */
  pushoverAppToken?: string;
}

/** Headers carry Latin-1 only; ntfy reads anything else as RFC 2047 encoded words. */
const headerValue = (text: string) => {
  const line = text.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(line) ? line : `=?UTF-8?B?${toBase64(utf8(line))}?=`;
};

const form = (fields: Record<string, string | undefined>) =>
  Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');

const json = (headers: Record<string, string>, body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** The HTTP request that hands `notification` to `service`; throws when it cannot be sent at all. */
export function requestFor(
  service: ServiceName,
  services: Services,
  notification: Notification,
  context: SendContext,
): ServiceRequest {
  const { title, message, url } = notification;
  switch (service) {
    case 'ntfy': {
      const { url: topicUrl, token } = services.ntfy!;
      const headers: Record<string, string> = {
        'content-type': 'text/plain; charset=utf-8',
        title: headerValue(title),
        priority: notification.kind === 'test' ? 'default' : 'high',
        tags: notification.kind === 'direct' ? 'speech_balloon' : 'bell',
      };
      if (url) headers.click = url;
      if (token) headers.authorization = `Bearer ${token}`;
      return { url: topicUrl, init: { method: 'POST', headers, body: message } };
    }
    case 'gotify': {
      const { url: server, token } = services.gotify!;
      const extras = url ? { 'client::notification': { click: { url } } } : undefined;
      return {
        url: `${server.replace(/\/+$/, '')}/message?token=${encodeURIComponent(token)}`,
        init: json({}, { title, message, priority: notification.kind === 'test' ? 4 : 8, extras }),
      };
    }
    case 'pushover': {
      if (!context.pushoverAppToken) throw new Error('the admin has not set a Pushover application token');
      const body = form({
        token: context.pushoverAppToken,
        user: services.pushover!.userKey,
        // Pushover's own limits.
        title: title.slice(0, 250),
        message: message.slice(0, 1024),
        url: url?.slice(0, 512),
      });
      return {
        url: PUSHOVER_URL,
        init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body },
      };
    }
    case 'webhook': {
      const { url: target, secret } = services.webhook!;
      const timestamp = Math.floor(notification.at / 1000);
      const body = JSON.stringify({
        type: `notification.${notification.kind}`,
        timestamp: new Date(notification.at).toISOString(),
        data: {
          userId: notification.userId,
          title,
          message,
          url: url ?? null,
          messageId: notification.messageId ?? null,
          channelId: notification.channelId ?? null,
          authorId: notification.authorId ?? null,
        },
      });
      const key = secretKey(secret);
      if (!key) throw new Error('the webhook secret is not usable');
      return {
        url: target,
        init: {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...signedHeaders(key, notification.id, timestamp, body),
          },
          body,
        },
      };
    }
  }
}

/** Sends to one service: undefined when it answered 2xx, else why not. */
export async function send(
  ctx: PluginContext,
  service: ServiceName,
  services: Services,
  notification: Notification,
  context: SendContext,
): Promise<string | undefined> {
  try {
    const { url, init } = requestFor(service, services, notification, context);
    const response = await ctx.http.fetch(url, init);
    if (response.status >= 200 && response.status < 300) return undefined;
    return `HTTP ${response.status}${response.body ? `: ${response.body.slice(0, 200)}` : ''}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
