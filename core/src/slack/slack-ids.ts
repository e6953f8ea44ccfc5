import { isUuid, UUID_SOURCE } from '@jokkaer/sdk-plugin';

/**
 * Slack-shaped ids for native UUIDs (scheduled messages are Q…, as on Slack): a kind letter and the UUID's 128
 * bits in base 32 (digits and A–V, 26
 * characters), so every id is stable, fits Slack's uppercase alphanumerics, and decodes back without a table.
 */
export type SlackIdKind = 'T' | 'C' | 'G' | 'D' | 'U' | 'B' | 'F' | 'Q' | 'A' | 'V';

const DIGITS = 26;

export function slackId(kind: SlackIdKind, uuid: string): string {
  const value = BigInt(`0x${uuid.replace(/-/g, '')}`);
  return kind + value.toString(32).toUpperCase().padStart(DIGITS, '0');
}

/** The UUID an id names, if it is one of `kinds`; undefined for anything else (Slack's own ids, typos). */
export function nativeId(id: unknown, kinds: readonly SlackIdKind[]): string | undefined {
  if (typeof id !== 'string') return undefined;
  if (isUuid(id)) return id.toLowerCase();
  const match = /^([A-Z])([0-9A-V]{26})$/.exec(id);
  if (!match || !kinds.includes(match[1] as SlackIdKind)) return undefined;
  let value = 0n;
  for (const digit of match[2]) value = value * 32n + BigInt(parseInt(digit, 32));
  if (value >> 128n !== 0n) return undefined;
  const hex = value.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const CHANNEL_KINDS: readonly SlackIdKind[] = ['C', 'G', 'D'];

/** Public channels are C…, private ones G…, direct conversations D…, as Slack names them. */
export const channelSlackId = (channel: { id: string; kind: string }): string =>
  slackId(channel.kind === 'public' ? 'C' : channel.kind === 'private' ? 'G' : 'D', channel.id);

/** A message's `ts` ("1712345678.000100") from its stored microseconds, and back. */
export function formatTs(micros: number | bigint | string): string {
  const value = BigInt(micros);
  return `${value / 1_000_000n}.${(value % 1_000_000n).toString().padStart(6, '0')}`;
}

export function parseTs(ts: unknown): string | undefined {
  return typeof ts === 'string' && /^\d{1,12}\.\d{6}$/.test(ts) ? parseTsBound(ts) : undefined;
}

/** A `latest`/`oldest` bound in microseconds: a ts, or seconds with fewer decimals or none ("1712345678"). */
export function parseTsBound(ts: unknown): string | undefined {
  if (typeof ts !== 'string') return undefined;
  const match = /^(\d{1,12})(?:\.(\d{0,6}))?$/.exec(ts);
  if (!match) return undefined;
  return (BigInt(match[1]) * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0'))).toString();
}

const NATIVE_MENTION = new RegExp(`<@(${UUID_SOURCE})>`, 'gi');

/** Mentions as Slack writes them: `<@U…>` rather than our `<@uuid>`. */
export const slackMentions = (text: string): string =>
  text.replace(NATIVE_MENTION, (_, id: string) => `<@${slackId('U', id.toLowerCase())}>`);

/** An app's `<@U…>` (or `<@B…>`) mentions as ours, so the people they name are mentioned here too. */
export const nativeMentions = (text: string): string =>
  text.replace(/<@([UB][0-9A-V]{26})>/g, (mention, id: string) => {
    const native = nativeId(id, ['U', 'B']);
    return native ? `<@${native}>` : mention;
  });
