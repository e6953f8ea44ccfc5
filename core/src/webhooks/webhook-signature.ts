import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes (the spec allows 24–64). */
export function generateSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/**
 * The `webhook-signature` header: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` for each live secret,
 * space-separated, so a receiver that knows either the old or the new secret accepts it during rotation.
 */
export function signatureHeader(secrets: string[], id: string, timestamp: number, body: string): string {
  const content = `${id}.${timestamp}.${body}`;
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.slice(PREFIX.length), 'base64');
      return `v1,${createHmac('sha256', key).update(content).digest('base64')}`;
    })
    .join(' ');
}

/** The request of one delivery attempt: the JSON body and the Standard Webhooks headers, signed with every live secret. */
export function signedDelivery(
  secrets: string[],
  messageId: string,
  timestamp: number,
  body: string,
): { method: 'POST'; headers: Record<string, string>; body: string } {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Jokkaer-Webhooks/1',
      'webhook-id': messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secrets, messageId, timestamp, body),
    },
    body,
  };
}

/** Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:timestamp:body` with the app's signing secret. */
export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/**
 * A Slack Events API request: the JSON envelope signed as Slack signs it and, on a retry, which one it is and
 * why (`X-Slack-Retry-Num`, `X-Slack-Retry-Reason`), so apps can tell a retry from a new event.
 */
export function slackEventRequest(
  signingSecret: string,
  timestamp: number,
  body: string,
  retry?: { num: number; reason: string },
): { method: 'POST'; headers: Record<string, string>; body: string } {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Jokkaer-Events/1',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(signingSecret, timestamp, body),
      ...(retry ? { 'x-slack-retry-num': String(retry.num), 'x-slack-retry-reason': retry.reason } : {}),
    },
    body,
  };
}
