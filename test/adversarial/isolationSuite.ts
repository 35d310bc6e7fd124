import fc from "fast-check"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { RawClientPool, type RawCableClient } from "../helpers/RawCableClient.js"
import type { AttackTarget } from "./targets.js"

const offer = (to: string, sdp: string) => ({ type: "Connection", state: "SdpOffer", to_peer_id: to, sdp: { type: "offer", sdp } })
// Ids in the allowed alphabet, heavy on the separators an attacker would use.
export const adversarialId = fc.stringMatching(/^[a:.@_-]{1,12}$/)

/** Where the victim's peers connect, and where the attacker's do: one server, or two nodes sharing one backend. */
export interface IsolationSetup {
  start(): Promise<{ victim: AttackTarget; attacker: AttackTarget }>
  stop(): Promise<void>
}

/**
 * Sessions stay apart whatever their ids look like: stream names and store keys built from ids
 * are injective, so an attacker with a token for its own session can neither hear nor forge
 * another's signals. One suite, both servers.
 */
export function describeIsolation(label: string, setup: IsolationSetup): void {
  describe(`sessions stay apart with adversarial ids: ${label}`, () => {
    let victim: AttackTarget
    let attacker: AttackTarget
    const pool = new RawClientPool()
    const connect = (node: AttackTarget) => pool.connect(node.cableUrl)
    beforeAll(async () => {
      ;({ victim, attacker } = await setup.start())
    })
    afterEach(() => pool.closeAll())
    afterAll(() => setup.stop())

    it("session `coll:x` peer `v` and session `coll` peer `x:v` neither hear nor forge each other's signals", async () => {
      // The victim: host h and client v in session coll:x.
      const [h, v] = [await connect(victim), await connect(victim)]
      const victimIds = { h: victim.identifier("coll:x", "h"), v: victim.identifier("coll:x", "v") }
      await h.join(victimIds.h)
      await v.join(victimIds.v)
      // The attacker, with tokens for its own session coll only: x:v is its host, and its client is named h.
      const [xv, fakeH] = [await connect(attacker), await connect(attacker)]
      const attackerIds = { xv: attacker.identifier("coll", "x:v"), h: attacker.identifier("coll", "h") }
      await xv.join(attackerIds.xv)
      await fakeH.join(attackerIds.h)

      h.perform(victimIds.h, offer("v", "victim-offer"))
      expect(await v.message(victimIds.v, "SdpOffer")).toMatchObject({ peer_id: "h", sdp: { sdp: "victim-offer" } })
      fakeH.perform(attackerIds.h, offer("x:v", "forged-offer"))
      expect(await xv.message(attackerIds.xv, "SdpOffer")).toMatchObject({ peer_id: "h", sdp: { sdp: "forged-offer" } })

      await new Promise((resolve) => setTimeout(resolve, 300))
      const offersTo = (client: RawCableClient) => client.frames.filter((f) => f.message?.state === "SdpOffer").map((f) => f.message.sdp.sdp)
      expect(offersTo(xv)).toEqual([])
      expect(offersTo(v)).toEqual([])
      // Joins are told only to their own session's host.
      expect(h.frames.filter((f) => f.message?.state === "SessionReady" && f.message.peer_id !== "v")).toEqual([])
      expect(v.frames.filter((f) => f.message?.state === "SessionReady")).toEqual([])
    })

    it("generated colliding id pairs: every offer reaches exactly its addressee", async () => {
      const pairs = fc.sample(fc.tuple(adversarialId, adversarialId, adversarialId), { numRuns: 8, seed: 3 })
      for (const [a, b, c] of pairs) {
        // Session a:b with client c, and session a with client b:c — the pair a plain `:` join would merge.
        const sessions = [{ session: `${a}:${b}`, client: c }, { session: a, client: `${b}:${c}` }]
        const members = await Promise.all(sessions.map(async ({ session, client }, i) => {
          const node = i === 0 ? victim : attacker
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
