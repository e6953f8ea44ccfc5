import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { TokenBucket } from '../common/token-bucket';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';

/** One socket's allowance of client frames. */
export interface FrameBucket {
  tokens: TokenBucket;
  noticeAt: number;
}

export type FrameAdmission = { admitted: true } | { admitted: false; notice?: string };

/**
 * Rate limit on the frames a client sends (REALTIME_CLIENT_FRAMES_PER_SECOND, bursts of
 * REALTIME_CLIENT_FRAME_BURST): a flooding
 * client costs the server a refusal, not a relay or a query.
 */
@Injectable()
export class FrameRateLimiter {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  bucket(): FrameBucket {
    const { clientFramesPerSecond: rate, clientFrameBurst: burst } = this.config;
    return { tokens: new TokenBucket(rate, burst, this.clock.now()), noticeAt: 0 };
  }

  /** Takes a token for one frame; past the burst the frame is dropped, and (once a second) the client told. */
  admit(bucket: FrameBucket): FrameAdmission {
    const now = this.clock.now();
    if (bucket.tokens.take(now)) return { admitted: true };
    if (now - bucket.noticeAt < 1000) return { admitted: false };
    bucket.noticeAt = now;
    const { clientFramesPerSecond: rate, clientFrameBurst: burst } = this.config;
    return {
      admitted: false,
      notice: `Too many frames: at most ${rate} a second (bursts of ${burst}); frames were dropped`,
    };
  }
}
