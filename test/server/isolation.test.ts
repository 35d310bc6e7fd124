import fc from "fast-check"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { peerStream, sessionStream } from "../../src/server/store/Broker.js"
import { RawClientPool, type RawCableClient } from "../helpers/RawCableClient.js"
import { startRedis, type RedisProcess } from "../helpers/redisServer.js"
import { startTestServer, type TestServer } from "../helpers/testServer.js"

const JOIN = { type: "Connection", state: "SessionJoin" }
const offer = (to: string, sdp: string) => ({ type: "Connection", state: "SdpOffer", to_peer_id: to, sdp: { type: "offer", sdp } })
// Ids in the allowed alphabet, heavy on the separators an attacker would use.
const adversarialId = fc.stringMatching(/^[a:.@_-]{1,12}$/)

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

for (const backend of ["memory", "redis"] as const) {
  describe(`sessions stay apart with adversarial ids (${backend}, ${backend === "redis" ? "two nodes" : "one node"})`, () => {
    let redis: RedisProcess | undefined
    let victimNode: TestServer
    let attackerNode: TestServer
    const pool = new RawClientPool()
    const connect = (node: TestServer) => pool.connect(node.cableUrl, {}, { welcome: false })
    beforeAll(async () => {
      if (backend === "redis") redis = await startRedis()
      victimNode = await startTestServer(redis ? { redis: redis.url } : {})
      attackerNode = redis ? await startTestServer({ redis: redis.url }) : victimNode
    })
    afterEach(() => pool.closeAll())
    afterAll(async () => {
      await victimNode.close()
      if (attackerNode !== victimNode) await attackerNode.close()
      await redis?.stop()
    })

    it("session `coll:x` peer `v` and session `coll` peer `x:v` neither hear nor forge each other's signals", async () => {
      // The victim: host h and client v in session coll:x.
      const [h, v] = [await connect(victimNode), await connect(victimNode)]
      const victim = { h: victimNode.identifier("coll:x", "h"), v: victimNode.identifier("coll:x", "v") }
      await h.join(victim.h)
      await v.join(victim.v)
      // The attacker, with tokens for its own session coll only: x:v is its host, and its client is named h.
      const [xv, fakeH] = [await connect(attackerNode), await connect(attackerNode)]
      const attacker = { xv: attackerNode.identifier("coll", "x:v"), h: attackerNode.identifier("coll", "h") }
      await xv.join(attacker.xv)
      await fakeH.join(attacker.h)

      h.perform(victim.h, offer("v", "victim-offer"))
      expect(await v.message(victim.v, "SdpOffer")).toMatchObject({ peer_id: "h", sdp: { sdp: "victim-offer" } })
      fakeH.perform(attacker.h, offer("x:v", "forged-offer"))
      expect(await xv.message(attacker.xv, "SdpOffer")).toMatchObject({ peer_id: "h", sdp: { sdp: "forged-offer" } })

      await new Promise((resolve) => setTimeout(resolve, 300))
      const offersTo = (client: RawCableClient) => client.frames.filter((f) => f.message?.state === "SdpOffer").map((f) => f.message.sdp.sdp)
      expect(offersTo(xv)).toEqual([])
      expect(offersTo(v)).toEqual([])
      // Joins are told only to their own session's host.
      expect(h.frames.filter((f) => f.message?.state === "SessionReady" && f.message.peer_id !== "v")).toEqual([])
      expect(v.frames.filter((f) => f.message?.state === "SessionReady")).toEqual([])
    })

    it("generated colliding id pairs: every offer reaches exactly its addressee", async () => {
      const pairs = fc.sample(fc.tuple(adversarialId, adversarialId, adversarialId), { numRuns: 8, seed: backend === "redis" ? 7 : 3 })
      for (const [a, b, c] of pairs) {
        // Session a:b with client c, and session a with client b:c — the pair a plain `:` join would merge.
        const sessions = [{ session: `${a}:${b}`, client: c }, { session: a, client: `${b}:${c}` }]
        const members = await Promise.all(sessions.map(async ({ session, client }, i) => {
          const node = i === 0 ? victimNode : attackerNode
          const [host, peer] = [await connect(node), await connect(node)]
          const ids = { host: node.identifier(session, "host"), peer: node.identifier(session, client) }
          await host.join(ids.host)
          await peer.join(ids.peer)
          return { host, peer, ids, client, session }
        }))
        for (const { host, ids, client, session } of members) host.perform(ids.host, offer(client, session))
        for (const { peer, ids, session } of members) expect(await peer.message(ids.peer, "SdpOffer")).toMatchObject({ sdp: { sdp: session } })
        await new Promise((resolve) => setTimeout(resolve, 100))
        for (const { peer } of members) expect(peer.frames.filter((f) => f.message?.state === "SdpOffer")).toEqual([])
        pool.closeAll()
      }
    })
  })
}
