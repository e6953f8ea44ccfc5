import { Global, Module } from '@nestjs/common';
import { BufferedRateLimiter } from './buffered-rate-limiter';
import { RateLimiter } from './rate-limiter';
import { RateLimitsRepository } from './rate-limits.repository';

@Global()
@Module({
  providers: [RateLimitsRepository, RateLimiter, BufferedRateLimiter],
  exports: [RateLimiter, BufferedRateLimiter],
})
export class RateLimitsModule {}
