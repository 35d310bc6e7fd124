import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { RedisSessionStore } from "../../src/server/store/redis/RedisSessionStore.js"
import { startRedis, type RedisProcess } from "../helpers/redisServer.js"
import { describeSessionStore } from "./sessionStoreConformance.js"

let redis: RedisProcess
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
})

let run = 0
describeSessionStore("redis", async (options) => {
  run += 1
  return new RedisSessionStore({ redis: redis.client(), nodeId: "test", prefix: `t${run}:`, ...options })
})

describe("RedisSessionStore across nodes", () => {
  it("treats a dead node's attachments as gone and its host as stale", async () => {
    const prefix = "nodes:"
    const nodeA = new RedisSessionStore({ redis: redis.client(), nodeId: "a", prefix, nodeTtlMs: 300 })
    const nodeB = new RedisSessionStore({ redis: redis.client(), nodeId: "b", prefix, nodeTtlMs: 300 })
    await nodeA.markAlive()
    await nodeB.markAlive()
    const limits = { maxPeers: 10, hostLeaseMs: 60_000 }
    await nodeA.attach("s", "host", "a:1:1")
    await nodeA.join("s", "host", "a:1:1", limits)
    await nodeA.attach("s", "carol", "a:1:2")
    await nodeA.join("s", "carol", "a:1:2", limits)
    await nodeB.attach("s", "bob", "b:1:1")
    expect(await nodeB.join("s", "bob", "b:1:1", limits)).toEqual({ role: "client", hostPeerId: "host" })
    expect(await nodeB.route("s", "bob", "host")).toBe("ok")
    await nodeA.close() // the node is gone: its liveness key with it
    expect(await nodeB.route("s", "host", "carol")).toBe("peer_not_found")
    expect((await nodeB.get("s"))?.attached.has("carol")).toBe(false)
    await nodeB.attach("s", "dave", "b:1:2")
    expect(await nodeB.join("s", "dave", "b:1:2", limits)).toEqual({ role: "host", replacedHost: { peerId: "host", reason: "host_stale" } })
    await nodeB.close()
  })
})
