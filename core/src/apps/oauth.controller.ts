import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth, Public } from '../common/auth-context';
import { OAuthAnswer, OAuthService } from './oauth.service';

@ApiTags('oauth')
@Controller()
export class OAuthController {
  constructor(private readonly oauth: OAuthService) {}

  @Public()
  @Get('.well-known/oauth-authorization-server')
  metadata() {
    return this.oauth.metadata();
  }

  /** The consent screen a browser is sent to by the app. */
  @Public()
  @Get('oauth/authorize')
  async consentPage(
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const page = await this.oauth.consentPage(query);
    void reply
      .status(page.status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', page.contentSecurityPolicy)
      .header('cache-control', 'no-store');
    return page.html;
  }

  /**
   * Consent, given by a workspace admin with their own (person's) token — the web client's consent screen
   * posts here. Answers 302 to the app's redirect URI with `code` and `state` (or the OAuth error).
   */
  @ApiBearerAuth()
  @Post('oauth/authorize')
  async authorize(
    @CurrentAuth() auth: AuthContext,
    @Body() body: Record<string, unknown> | undefined,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { redirectTo } = await this.oauth.authorize(auth.userId, body ?? {});
    // The consent page asks for JSON (a script cannot read a redirect); other callers get the redirect.
    if (accept?.includes('application/json')) void reply.status(200);
    else void reply.status(302).header('location', redirectTo);
    return { redirectTo };
  }

  @Public()
  @Post('oauth/token')
  @HttpCode(200)
  async token(
    @Body() body: Record<string, unknown> | undefined,
    @Headers() headers: Record<string, string | undefined>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return send(reply, await this.oauth.token(body ?? {}, headers));
  }

  @Public()
  @Post('oauth/revoke')
  @HttpCode(200)
  async revoke(
    @Body() body: Record<string, unknown> | undefined,
    @Headers() headers: Record<string, string | undefined>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return send(reply, await this.oauth.revoke(body ?? {}, headers));
  }
}

function send(reply: FastifyReply, answer: OAuthAnswer): unknown {
  void reply.status(answer.status).headers(answer.headers);
  return answer.body;
}
