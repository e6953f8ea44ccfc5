import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Who is calling, resolved from the bearer token by AuthGuard on every non-public route. */
export interface AuthContext {
  userId: string;
  /** Whether the caller is a bot (app, plugin, incoming webhook): bots' posts have a per-channel limit. */
  isBot: boolean;
  tokenId: string;
  tokenKind: string;
  /** When the token stops working by itself (sessions); null for tokens that live until revoked. */
  expiresAt: Date | null;
  /**
   * What an app's token, or a personal access token created with scopes, was granted. Null for a person's
   * sessions and unscoped personal access tokens, which act with all their rights.
   */
  scopes: string[] | null;
}

export type AuthenticatedRequest = FastifyRequest & { auth?: AuthContext };

export const IS_PUBLIC = Symbol('IS_PUBLIC');
/** Marks a route that needs no token (register, login, health). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const CurrentAuth = createParamDecorator((_: unknown, context: ExecutionContext): AuthContext => {
  const auth = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new Error('CurrentAuth used on a public route');
  return auth;
});

/**
 * What apps (and scoped personal access tokens) may be granted (Slack's names, so existing apps ask for what
 * they already know). A token with scopes may call only routes that declare one of them with @AppScopes:
 * everything else, accounts and tokens above all, is refused to it.
 */
export const APP_SCOPES = [
  'channels:read',
  'channels:history',
  'channels:join',
  'chat:write',
  'reactions:write',
  'files:read',
  'files:write',
  'users:read',
  'users:read.email',
  'commands',
  // Reached through the Slack Web API only (conversations.open; conversations.create, invite, archive).
  'im:write',
  'channels:manage',
] as const;
export type AppScope = (typeof APP_SCOPES)[number];

export const APP_SCOPES_KEY = Symbol('APP_SCOPES');
/** The scope an app token needs for this route; routes without it are closed to app tokens. */
export const AppScopes = (scope: AppScope) => SetMetadata(APP_SCOPES_KEY, scope);

/** A list of scopes in a request body (apps, installs, personal access tokens). */
export const appScopesSchema = {
  type: 'array',
  items: { type: 'string', enum: [...APP_SCOPES] },
  uniqueItems: true,
  maxItems: APP_SCOPES.length,
} as const;
