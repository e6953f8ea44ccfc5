import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import type { FastifyReply } from 'fastify';
import { AuthorizationError, InternalOAuthError, TokenError } from 'passport-oauth2';
import { notFound, unauthorized } from '../common/problem';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';

/**
 * Runs the SSO strategy under Fastify: Passport writes redirects to the raw Node response (Fastify's reply
 * has no setHeader), and the callback URL follows PUBLIC_URL.
 */
@Injectable()
export class SsoGuard extends PassportAuthGuard('sso') {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.config.sso) throw notFound('SSO');
    return (await super.canActivate(context)) as boolean;
  }

  getResponse(context: ExecutionContext) {
    return context.switchToHttp().getResponse<FastifyReply>().raw;
  }

  override getAuthenticateOptions() {
    return { callbackURL: `${this.config.publicUrl}/api/v1/auth/sso/callback`, session: false };
  }

  override handleRequest<T>(error: unknown, user: T, info: unknown): T {
    // Only the OAuth exchange's own failures explain a failed login; any other error (the database's, ours)
    // goes to the problem filter, which never shows its text.
    const oauthFailure =
      error instanceof AuthorizationError ||
      error instanceof TokenError ||
      error instanceof InternalOAuthError;
    if (error && !oauthFailure) throw error as Error;
    if (error || !user) {
      const reason =
        (info as { message?: string } | undefined)?.message ?? (error as Error | undefined)?.message;
      throw unauthorized(`SSO login failed${reason ? `: ${reason}` : ''}`);
    }
    return user;
  }
}
