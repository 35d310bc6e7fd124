import { createRequire } from "node:module"
import type { Redis as RedisClient, RedisOptions } from "ioredis"
import type { Logger } from "../../Logger.js"
import { RedisBroker } from "./RedisBroker.js"
import { RedisSessionStore } from "./RedisSessionStore.js"

export interface RedisBackendOptions {
  /** `redis://[user:password@]host:port[/db]` */
  url: string
  nodeId: string
  sessionTtlMs: number
  /** The node counts as alive for this long after each renewal. */
  nodeTtlMs: number
  logger: Logger
}

/** The Redis store and broker a node needs, with their two connections, logging outages once each. */
export function createRedisBackend(options: RedisBackendOptions): { store: RedisSessionStore; broker: RedisBroker; close(): Promise<void> } {
  const Redis = loadIoredis()
  const connect = (role: string) => {
    const redis = new Redis(options.url, {
      // Fail a command after a few reconnect attempts rather than hold a peer's frame forever.
      maxRetriesPerRequest: 2,
      retryStrategy: (attempt) => Math.min(2000, 50 * 2 ** attempt),
      lazyConnect: false,
    })
    let down = false
    redis.on("error", (error: Error) => {
      if (down) return
      down = true
      options.logger.error(`redis ${role}: ${error.message} (retrying; signaling answers store_unavailable meanwhile)`)
    })
    redis.on("ready", () => {
      if (down) options.logger.info(`redis ${role}: connected again`)
      down = false
    })
    return redis
  }
  const publisher = connect("commands")
  const subscriber = connect("pub/sub")
  const store = new RedisSessionStore({ redis: publisher, nodeId: options.nodeId, sessionTtlMs: options.sessionTtlMs, nodeTtlMs: options.nodeTtlMs })
  const broker = new RedisBroker({ publisher, subscriber, onInvalid: (error) => options.logger.warn(`redis: ignored a message: ${String(error)}`) })
  return {
    store,
    broker,
    async close() {
      await store.close()
      await broker.close()
      publisher.disconnect()
      subscriber.disconnect()
    },
  }
}

type RedisConstructor = new (url: string, options: RedisOptions) => RedisClient

// ioredis is an optional peer dependency: only servers that use Redis need it installed.
function loadIoredis(): RedisConstructor {
  try {
    return (createRequire(import.meta.url)("ioredis") as { Redis: RedisConstructor }).Redis
  } catch (error) {
    throw new TypeError("SignalingServer: the `redis` option needs the ioredis package: npm install ioredis", { cause: error })
  }
}
