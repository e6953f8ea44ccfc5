import { createHash } from 'node:crypto';

/** Slack's `ts`: seconds and microseconds ("1700000000.123456"). */
const TS = /^(\d{1,12})\.(\d{1,6})$/;

export const isSlackTs = (ts: unknown): ts is string => typeof ts === 'string' && TS.test(ts);

/** A Slack ts as a Date (milliseconds; the microseconds live on in the message's id). */
export function tsToDate(ts: string): Date {
  const [, seconds, fraction] = TS.exec(ts)!;
  return new Date(Number(seconds) * 1000 + Math.floor(Number(fraction.padEnd(6, '0')) / 1000));
}

/**
 * The id of the message Slack knows as `ts` in a conversation, the same on every import of it (which makes a
 * re-import insert nothing twice): a UUIDv7 whose time is the message's own, its sub-millisecond part in
 * `rand_a` (RFC 9562 method 3), so ids sort as Slack's ts do, and the rest a hash of workspace, conversation
 * and ts.
 */
export function importedMessageId(workspaceId: string, slackChannelId: string, ts: string): string {
  const [, seconds, fraction] = TS.exec(ts)!;
  const micros = Number(fraction.padEnd(6, '0'));
  const millis = Number(seconds) * 1000 + Math.floor(micros / 1000);
  const bytes = createHash('sha256').update(`${workspaceId}/${slackChannelId}/${ts}`).digest();
  const hex = millis.toString(16).padStart(12, '0');
  const subMillis = (0x7000 | (micros % 1000)).toString(16);
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const rest = bytes.subarray(8, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8)}-${subMillis}-${rest.slice(0, 4)}-${rest.slice(4)}`;
}
