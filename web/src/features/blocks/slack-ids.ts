import { isUuid } from '@jokkaer/sdk-plugin/rules';

/**
 * The server names users and conversations to Slack clients by Slack-shaped ids: a kind letter and the UUID's
 * 128 bits in base 32 (26 characters). Mentions in blocks use them (`<@U…>`, `<#C…>`); this reads them back.
 */
const SLACK_ID = /^([A-Z])([0-9A-V]{26})$/;

/** The UUID behind a Slack id of one of `kinds` (or a UUID given as is); undefined for Slack's own ids. */
export function uuidOfSlackId(id: string, kinds: string): string | undefined {
  if (isUuid(id)) return id.toLowerCase();
  const [, kind, digits] = SLACK_ID.exec(id) ?? [];
  if (!kind || !digits || !kinds.includes(kind)) return undefined;
  let value = 0n;
  for (const digit of digits) value = value * 32n + BigInt(parseInt(digit, 32));
  if (value >> 128n) return undefined;
  const hex = value.toString(16).padStart(32, '0');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}
