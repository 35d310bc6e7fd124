import { escapeLogText, type Logger } from "./Logger.js"
import { RateLimiter } from "./transport/RateLimiter.js"

/**
 * Logs refusals of client input without letting clients flood the log: at most `perSecond` lines
 * a second (bursts of `burst`), client text escaped and cut; what is held back is counted and
 * reported in one line when logging resumes or at {@link flush}.
 */
export class RefusalLog {
  private readonly limiter: RateLimiter
  private suppressed = 0

  constructor(
    private readonly logger: Logger,
    perSecond = 10,
    burst = 50,
  ) {
    this.limiter = new RateLimiter(perSecond, burst)
  }

  warn(message: string): void {
    if (!this.limiter.take()) {
      this.suppressed += 1
      return
    }
    this.flush()
    this.logger.warn(escapeLogText(message.length > 300 ? `${message.slice(0, 300)}…` : message))
  }

  /** Reports how many lines were held back since the last report, if any. */
  flush(): void {
    if (this.suppressed === 0) return
    const count = this.suppressed
    this.suppressed = 0
    this.logger.warn(`${count} more refusals not logged (log rate limit); /metrics counts every one`)
  }
}
