import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth, Public } from '../common/auth-context';
import { Validate } from '../common/validation';
import type {
  ChangePasswordBody,
  ConfirmPasswordResetBody,
  RequestPasswordResetBody,
} from './passwords.schemas';
import {
  changePasswordSchema,
  confirmPasswordResetSchema,
  requestPasswordResetSchema,
} from './passwords.schemas';
import { PasswordsService } from './passwords.service';
import { renderResetPasswordPage } from './reset-password-page';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller()
export class PasswordsController {
  constructor(private readonly passwords: PasswordsService) {}

  /** Changes the caller's password (the current one is required); ends their other sessions. */
  @Post('api/v1/me/password')
  @HttpCode(204)
  @Validate({ body: changePasswordSchema })
  change(@CurrentAuth() auth: AuthContext, @Body() body: ChangePasswordBody) {
    return this.passwords.change(auth, body.currentPassword, body.newPassword);
  }

  /** 202 whether or not the address is an account's; 404 when the server has no SMTP_URL. */
  @Public()
  @Post('api/v1/auth/password-reset')
  @HttpCode(202)
  @Validate({ body: requestPasswordResetSchema })
  requestReset(@Body() body: RequestPasswordResetBody) {
    return this.passwords.requestReset(body.email);
  }

  /** Sets a new password with a reset link's token (once); ends every session of the account. */
  @Public()
  @Post('api/v1/auth/password-reset/confirm')
  @HttpCode(204)
  @Validate({ body: confirmPasswordResetSchema })
  confirmReset(@Body() body: ConfirmPasswordResetBody) {
    return this.passwords.confirmReset(body.token, body.newPassword);
  }

  /** Instance admins: voids the account's password and sessions; answers a reset link for its owner. */
  @Post('api/v1/admin/users/:userId/password')
  adminReset(@CurrentAuth() auth: AuthContext, @Param('userId') userId: string) {
    return this.passwords.adminReset(auth.userId, userId);
  }

  /** The page a mailed reset link opens (a browser form for the confirm route). */
  @Public()
  @Get('reset-password')
  @ApiExcludeEndpoint()
  resetPage(@Res({ passthrough: true }) reply: FastifyReply) {
    const page = renderResetPasswordPage();
    void reply.headers(page.headers);
    return page.html;
  }
}
