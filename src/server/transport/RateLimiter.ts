/** A token bucket: `ratePerSecond` sustained, up to `burst` at once. */
export class RateLimiter {
  private tokens: number
  private refilledAt: number

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst
    this.refilledAt = now()
  }

  /** Takes one token; false when the bucket is empty. */
  take(now = this.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.ratePerSecond) / 1000)
    this.refilledAt = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
