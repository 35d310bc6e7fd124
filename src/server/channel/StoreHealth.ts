import type { Logger } from "../Logger.js"

/**
 * Runs the channel's store calls and logs an outage once: one line when calls start failing, one
 * when they succeed again, however many fail in between.
 */
export class StoreHealth {
  private failing = false

  constructor(private readonly logger: Logger) {}

  async guard<T>(work: () => Promise<T>): Promise<T> {
    let result: T
    try {
      result = await work()
    } catch (error) {
      if (!this.failing) {
        this.failing = true
        this.logger.error(`session store failed: ${error instanceof Error ? error.message : String(error)} (signaling answers store_unavailable until it is back)`)
      }
      throw error
    }
    if (this.failing) {
      this.failing = false
      this.logger.info("session store answers again")
    }
    return result
  }
}
