import { fromBase64, toBase64, utf8 } from '@jokkaer/sdk-plugin';
import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com) with a pure-JS HMAC, since the sandbox has no
 * crypto: `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`.
 */

/** A `whsec_` secret is base64 after its prefix, as Standard Webhooks issues them; any other is its UTF-8 bytes. */
export function secretKey(secret: string): Uint8Array | undefined {
  if (!secret.startsWith('whsec_')) return secret === '' ? undefined : utf8(secret);
  try {
    const key = fromBase64(secret.slice('whsec_'.length));
    return key.length > 0 ? key : undefined;
  } catch {
    return undefined; // not base64
  }
}

/** The three Standard Webhooks headers for `body`, sent at `timestampSeconds`. */
export function signedHeaders(
  key: Uint8Array,
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  const timestamp = String(timestampSeconds);
  const mac = hmac(sha256, key, utf8(`${id}.${timestamp}.${body}`));
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${toBase64(mac)}` };
}
