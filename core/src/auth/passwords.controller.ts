import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('api/v1')
export class PasswordsController {
  constructor(private readonly passwords: PasswordsService) {}

  /** Changes the caller's password (the current one is required); ends their other sessions. */
  @Post('me/password')
  @HttpCode(204)
  @Validate({ body: changePasswordSchema })
  change(@CurrentAuth() auth: AuthContext, @Body() body: ChangePasswordBody) {
    return this.passwords.change(auth, body.currentPassword, body.newPassword);
  }

  /** 202 whether or not the address is an account's; 503 when the server has no SMTP_URL. */
  @Public()
  @Post('auth/password-reset')
  @HttpCode(202)
  @Validate({ body: requestPasswordResetSchema })
  requestReset(@Body() body: RequestPasswordResetBody) {
    return this.passwords.requestReset(body.email);
  }

  /** Sets a new password with a reset link's token (once); ends every session of the account. */
  @Public()
  @Post('auth/password-reset/confirm')
  @HttpCode(204)
  @Validate({ body: confirmPasswordResetSchema })
  confirmReset(@Body() body: ConfirmPasswordResetBody) {
    return this.passwords.confirmReset(body.token, body.newPassword);
  }

  /** Instance admins: voids the account's password and sessions; answers a reset link for its owner. */
  @Post('admin/users/:userId/password')
  adminReset(@CurrentAuth() auth: AuthContext, @Param('userId') userId: string) {
    return this.passwords.adminReset(auth.userId, userId);
  }
}
