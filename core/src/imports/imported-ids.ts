import { createHash } from 'node:crypto';

/** Slack's `ts`: seconds and microseconds ("1700000000.123456"). */
const TS = /^(\d{1,12})\.(\d{1,6})$/;

export const isSlackTs = (ts: unknown): ts is string => typeof ts === 'string' && TS.test(ts);

/** A Slack ts as a Date (milliseconds; the microseconds live on in the message's id). */
export function tsToDate(ts: string): Date {
  const [, seconds, fraction] = TS.exec(ts)!;
  return new Date(Number(seconds) * 1000 + Math.floor(Number(fraction.padEnd(6, '0')) / 1000));
}

/** A Slack ts as the microseconds since the epoch our messages' `ts` holds (a string: bigint). */
export function tsToMicros(ts: string): string {
  const [, seconds, fraction] = TS.exec(ts)!;
  return (BigInt(seconds) * 1_000_000n + BigInt(fraction.padEnd(6, '0'))).toString();
}

/** The last 8 bytes of the ids of one conversation's messages, by `workspace/conversation` (a few at a time). */
const conversationParts = new Map<string, string>();
const CONVERSATION_PARTS_KEPT = 10_000;

function conversationPart(workspaceId: string, slackChannelId: string): string {
  const key = `${workspaceId}/${slackChannelId}`;
  let part = conversationParts.get(key);
  if (part === undefined) {
    const bytes = createHash('sha256').update(key).digest().subarray(0, 8);
    bytes[0] = (bytes[0] & 0x3f) | 0x80; // the RFC 9562 variant
    part = bytes.toString('hex');
    if (conversationParts.size >= CONVERSATION_PARTS_KEPT) conversationParts.clear();
    conversationParts.set(key, part);
  }
  return part;
}

/**
 * The id of the message Slack knows as `ts` in a conversation, the same on every import of it (which makes a
 * re-import insert nothing twice): a UUIDv7 whose time is the message's own, its sub-millisecond part in
 * `rand_a` (RFC 9562 method 3), so ids sort as Slack's ts do; the time fields hold the whole ts, so the rest
 * only tells conversations apart: a hash of workspace and conversation.
 */
export function importedMessageId(workspaceId: string, slackChannelId: string, ts: string): string {
  const [, seconds, fraction] = TS.exec(ts)!;
  const micros = Number(fraction.padEnd(6, '0'));
  const millis = Number(seconds) * 1000 + Math.floor(micros / 1000);
  const hex = millis.toString(16).padStart(12, '0');
  const subMillis = (0x7000 | (micros % 1000)).toString(16);
  const rest = conversationPart(workspaceId, slackChannelId);
  return `${hex.slice(0, 8)}-${hex.slice(8)}-${subMillis}-${rest.slice(0, 4)}-${rest.slice(4)}`;
}
