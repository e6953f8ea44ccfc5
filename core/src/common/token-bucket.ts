/**
 * A token bucket: holds at most `burst` tokens, refilled at `perSecond`; each admitted thing takes one. The
 * one implementation behind every in-memory rate (a socket's client frames, a webhook endpoint's deliveries).
 * Time is passed in, in milliseconds, so each caller keeps its own clock.
 */
export class TokenBucket {
  private tokens: number;
  private filledAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.filledAt = now;
  }

  /** Takes a token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is there (0: one is). */
  msUntilToken(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  private refill(now: number): void {
    this.tokens = Math.min(
      this.burst,
      this.tokens + (Math.max(0, now - this.filledAt) / 1000) * this.perSecond,
    );
    this.filledAt = Math.max(this.filledAt, now);
  }
}
