import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthRepository } from './auth.repository';
import { AuthService } from './auth.service';
import { SsoStrategy } from './sso.strategy';

@Module({
  controllers: [AuthController],
  providers: [AuthRepository, AuthService, SsoStrategy, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, AuthRepository],
})
export class AuthModule {}
