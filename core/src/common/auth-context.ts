import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Who is calling, resolved from the bearer token by AuthGuard on every non-public route. */
export interface AuthContext {
  userId: string;
  tokenId: string;
  tokenKind: string;
  /** When the token stops working by itself (sessions); null for tokens that live until revoked. */
  expiresAt: Date | null;
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
