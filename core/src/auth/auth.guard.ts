import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_SCOPES_KEY, AppScope, AuthenticatedRequest, IS_PUBLIC } from '../common/auth-context';
import { ProblemException } from '../common/problem';
import { RouteMetadata } from '../common/route-metadata';
import { AuthService } from './auth.service';
import { bearerTokenHash } from './tokens';

const unauthenticated = (detail: string) =>
  new ProblemException(401, detail, undefined, { 'www-authenticate': 'Bearer' });

/**
 * Resolves the bearer token on every request; revoked or expired tokens stop working at once. Tokens with
 * scopes (apps', scoped personal access tokens) reach only routes that declare a scope they were granted.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly isPublic: RouteMetadata<boolean>;
  private readonly scope: RouteMetadata<AppScope>;

  constructor(
    reflector: Reflector,
    private readonly auth: AuthService,
  ) {
    this.isPublic = new RouteMetadata(reflector, IS_PUBLIC);
    this.scope = new RouteMetadata(reflector, APP_SCOPES_KEY);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.isPublic.of(context)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const tokenHash = bearerTokenHash(request);
    if (!tokenHash) throw unauthenticated('A bearer token is required');
    const auth = await this.auth.authenticateHash(tokenHash);
    if (!auth) throw unauthenticated('The token is invalid, expired or revoked');
    if (auth.scopes) {
      const needed = this.scope.of(context);
      const personal = auth.tokenKind === 'personal';
      if (!needed) {
        throw new ProblemException(
          403,
          `${personal ? 'Scoped personal access' : 'App'} tokens cannot call this endpoint`,
        );
      }
      if (!auth.scopes.includes(needed)) {
        throw new ProblemException(
          403,
          `The ${personal ? 'token' : 'app'} was not granted the scope ${needed}`,
        );
      }
    }
    request.auth = auth;
    return true;
  }
}
