import type { SignalingServerOptions } from "../../src/server/SignalingServerOptions.js"
import { describeSignalingProtocol } from "../protocol/signalingProtocolSuite.js"
import { startRedis, type RedisProcess } from "../helpers/redisServer.js"
import { startTestServer } from "../helpers/testServer.js"

// Fast pings and short leases, so liveness shows within a test.
const NODE_OPTIONS: Partial<SignalingServerOptions> = { pingIntervalMs: 200, livenessTimeoutMs: 2000, hostLeaseMs: 3000 }

describeSignalingProtocol("Node server, memory backend", {
  start: (options) => startTestServer({ ...NODE_OPTIONS, ...options }),
})

let redis: RedisProcess | undefined
describeSignalingProtocol("Node server, Redis backend", {
  setUp: async () => void (redis = await startRedis()),
  tearDown: async () => redis?.stop(),
  start: async (options) => {
    await redis!.client().flushall()
    return startTestServer({ ...NODE_OPTIONS, ...options, redis: redis!.url })
  },
})
