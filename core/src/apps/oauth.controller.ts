import { Body, Controller, Get, Headers, HttpCode, Post, Res } from '@nestjs/common';
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

  /**
   * Consent, given by a workspace admin with their own (person's) token — the web client's consent screen
   * posts here. Answers 302 to the app's redirect URI with `code` and `state` (or the OAuth error).
   */
  @ApiBearerAuth()
  @Post('oauth/authorize')
  async authorize(
    @CurrentAuth() auth: AuthContext,
    @Body() body: Record<string, unknown> | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { redirectTo } = await this.oauth.authorize(auth.userId, body ?? {});
    void reply.status(302).header('location', redirectTo);
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
