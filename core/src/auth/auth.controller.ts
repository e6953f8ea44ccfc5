import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from '../common/auth-context';
import { AppScopes, CurrentAuth, Public } from '../common/auth-context';
import { Responds, Returns } from '../common/responses';
import { Validate } from '../common/validation';
import { clientAddress } from '../rate-limits/client-address';
import { AuthService } from './auth.service';
import { SsoFailureFilter } from './sso-failure.filter';
import { SsoGuard } from './sso.guard';
import type { CreateTokenBody, LoginBody, RegisterBody, SessionView } from './auth.schemas';
import {
  authProvidersViewSchema,
  createdPersonalTokenViewSchema,
  createTokenSchema,
  loginSchema,
  personalTokenListSchema,
  registerSchema,
  sessionViewSchema,
  meViewSchema,
} from './auth.schemas';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('api/v1')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('auth/register')
  @Validate({ body: registerSchema })
  @Responds(201, sessionViewSchema)
  register(@Body() body: RegisterBody, @Req() request: FastifyRequest) {
    return this.auth.register(body.email, body.password, body.displayName, clientAddress(request));
  }

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @Validate({ body: loginSchema })
  @Responds(200, sessionViewSchema)
  login(@Body() body: LoginBody, @Req() request: FastifyRequest) {
    return this.auth.login(body.email, body.password, clientAddress(request));
  }

  @Post('auth/logout')
  @HttpCode(204)
  logout(@CurrentAuth() auth: AuthContext) {
    return this.auth.logout(auth);
  }

  @Public()
  @Get('auth/providers')
  @Responds(200, authProvidersViewSchema)
  providers() {
    return this.auth.providers();
  }

  /** Starts an SSO login: 302 to the identity provider (404 when SSO is not configured). */
  @Public()
  @Get('auth/sso/login')
  @UseGuards(SsoGuard)
  ssoLogin() {
    // Passport has answered with the redirect.
  }

  /**
   * Where the provider sends the person back: `{user, token}` as a login answers. A browser's navigation (it
   * accepts HTML) goes on to the web client's sign-in page with the token in the fragment, which never reaches a
   * server; the page keeps it and drops it from the address bar. A failure goes there too, said on the page.
   */
  @Public()
  @Get('auth/sso/callback')
  @UseGuards(SsoGuard)
  @UseFilters(SsoFailureFilter)
  ssoCallback(
    @Req() request: FastifyRequest & { user?: SessionView },
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const answer = request.user;
    if (answer && request.headers.accept?.includes('text/html')) {
      void reply.redirect(`/signin#sso=${encodeURIComponent(answer.token)}`, 303);
      return;
    }
    return answer;
  }

  @Get('me')
  @AppScopes('users:read')
  @Returns(meViewSchema)
  me(@CurrentAuth() auth: AuthContext) {
    return this.auth.me(auth.userId);
  }

  @Post('me/tokens')
  @Validate({ body: createTokenSchema })
  @Responds(201, createdPersonalTokenViewSchema)
  createToken(@CurrentAuth() auth: AuthContext, @Body() body: CreateTokenBody) {
    return this.auth.createPersonalToken(auth.userId, body.name, body.expiresAt, body.scopes);
  }

  @Get('me/tokens')
  @Responds(200, personalTokenListSchema)
  listTokens(@CurrentAuth() auth: AuthContext) {
    return this.auth.listPersonalTokens(auth.userId);
  }

  @Delete('me/tokens/:tokenId')
  @HttpCode(204)
  revokeToken(@CurrentAuth() auth: AuthContext, @Param('tokenId') tokenId: string) {
    return this.auth.revokePersonalToken(auth.userId, tokenId);
  }
}
