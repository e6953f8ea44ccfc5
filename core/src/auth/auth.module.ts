import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MailModule } from '../mail/mail.module';
import { AuthCache } from './auth-cache';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthRepository } from './auth.repository';
import { AuthService } from './auth.service';
import { PasswordsController } from './passwords.controller';
import { PasswordsRepository } from './passwords.repository';
import { PasswordsService } from './passwords.service';
import { SsoStrategy } from './sso.strategy';

@Module({
  imports: [MailModule],
  controllers: [AuthController, PasswordsController],
  providers: [
    AuthCache,
    AuthRepository,
    AuthService,
    PasswordsRepository,
    PasswordsService,
    SsoStrategy,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, AuthRepository],
})
export class AuthModule {}
