import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { peerStream, sessionStream } from "../../src/server/store/Broker.js"
import { adversarialId, describeIsolation } from "../adversarial/isolationSuite.js"
import { nodeTargets, type AttackTarget } from "../adversarial/targets.js"
import { startRedis, type RedisProcess } from "../helpers/redisServer.js"

describe("stream names built from ids are injective", () => {
  it("two different (session, peer) pairs never share a peer stream, nor a session stream", () => {
    fc.assert(
      fc.property(adversarialId, adversarialId, adversarialId, adversarialId, (s1, p1, s2, p2) => {
        expect(peerStream(s1, p1) === peerStream(s2, p2)).toBe(s1 === s2 && p1 === p2)
        expect(sessionStream(s1) === peerStream(s2, p2)).toBe(false)
        expect(sessionStream(s1) === sessionStream(s2)).toBe(s1 === s2)
      }),
      { numRuns: 20_000 },
    )
    // The pairs a plain `:` join merges: (a:b, c) and (a, b:c).
    fc.assert(
      fc.property(adversarialId, adversarialId, adversarialId, (a, b, c) => {
        expect(peerStream(`${a}:${b}`, c)).not.toBe(peerStream(a, `${b}:${c}`))
      }),
      { numRuns: 5_000 },
    )
  })
})

const nodes = nodeTargets()
let memoryNode: AttackTarget | undefined
describeIsolation("Node server, memory backend, one node", {
  start: async () => {
    memoryNode = await nodes.start()
    return { victim: memoryNode, attacker: memoryNode }
  },
  stop: async () => memoryNode?.close(),
})
let redis: RedisProcess | undefined
let redisNodes: AttackTarget[] = []
describeIsolation("Node server, Redis backend, two nodes", {
  start: async () => {
    redis = await startRedis()
    redisNodes = [await nodes.start({ redis: redis.url }), await nodes.start({ redis: redis.url })]
    return { victim: redisNodes[0]!, attacker: redisNodes[1]! }
  },
  stop: async () => {
    for (const node of redisNodes) await node.close()
    await redis?.stop()
  },
})
