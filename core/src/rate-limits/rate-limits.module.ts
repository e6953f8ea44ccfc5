import { Global, Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { RateLimiter } from './rate-limiter';
import { RateLimitsRepository } from './rate-limits.repository';

@Global()
@Module({
  providers: [Clock, RateLimitsRepository, RateLimiter],
  exports: [RateLimiter],
})
export class RateLimitsModule {}
