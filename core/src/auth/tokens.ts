import { hash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Readable prefixes tell a leaked token's kind at a glance (and let secret scanners find them). */
export const TOKEN_PREFIXES = {
  session: 'jks_',
  personal: 'jkp_',
  /** An app install's bot. */
  bot: 'jkb_',
  /** Renews an app install's bot token (OAuth refresh token). */
  refresh: 'jkrt_',
  /** An OAuth authorization code. */
  authorizationCode: 'jkac_',
  /** The secret part of a slash command's response_url. */
  commandResponse: 'jkr_',
  /** The secret part of an incoming webhook's URL. */
  incomingWebhook: 'jkh_',
  /** A single-use password reset link. */
  passwordReset: 'jkpr_',
  /** A Slack app-level token: opens Socket Mode connections (Slack's own prefix, which Slack SDKs check). */
  appLevel: 'xapp-',
} as const;

export type TokenKind = keyof typeof TOKEN_PREFIXES;

export interface IssuedToken {
  raw: string;
  hash: Buffer;
}

/**
 * Tokens carry 256 random bits, so a fast hash is enough: only the hash is ever stored. One-shot `hash`, not
 * a Hash object: every authenticated request hashes its token, and this takes half the time.
 */
export function hashToken(raw: string): Buffer {
  return hash('sha256', raw, 'buffer');
}

export function generateToken(kind: TokenKind): IssuedToken {
  const raw = TOKEN_PREFIXES[kind] + randomBytes(32).toString('base64url');
  return { raw, hash: hashToken(raw) };
}

const BEARER = /^Bearer\s+(\S+)$/i;
const bearerHashes = new WeakMap<object, Buffer | null>();

/**
 * The hash of a request's bearer token, null without one; computed once per request, since the API rate
 * limit keys by it before AuthGuard looks the token up.
 */
export function bearerTokenHash(request: { headers: IncomingHttpHeaders }): Buffer | null {
  let hash = bearerHashes.get(request);
  if (hash === undefined) {
    const bearer = BEARER.exec(request.headers.authorization ?? '');
    hash = bearer ? hashToken(bearer[1]) : null;
    bearerHashes.set(request, hash);
  }
  return hash;
}
