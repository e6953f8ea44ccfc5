import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { problemDocument } from './problem';

/** Slack's Socket Mode: the URL apps.connections.open hands out (with a single-use ticket). */
export const SLACK_SOCKET_PATH = '/api/slack/socket';

/** WebSocket endpoints other than realtime's, each upgraded by its own listener on the HTTP server. */
export const OTHER_WEBSOCKET_PATHS = new Set([SLACK_SOCKET_PATH]);

/** Refuses a WebSocket upgrade with an HTTP problem+json answer. */
export function rejectUpgrade(
  socket: Duplex,
  status: number,
  detail: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(problemDocument(status, detail));
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra.join('')}Connection: close\r\n\r\n${body}`,
  );
}
