import { Global, Module } from '@nestjs/common';
import { RateLimiter } from './rate-limiter';
import { RateLimitsRepository } from './rate-limits.repository';

@Global()
@Module({
  providers: [RateLimitsRepository, RateLimiter],
  exports: [RateLimiter],
})
export class RateLimitsModule {}
