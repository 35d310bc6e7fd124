import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { SessionStore } from "../../src/server/store/SessionStore.js"
import { sleep } from "../helpers/testServer.js"

const LIMITS = { maxPeers: 3, hostLeaseMs: 10_000 }

/**
 * The behaviour every SessionStore must have. Run it against each implementation:
 * `describeSessionStore("memory", (options) => new MemorySessionStore(options))`.
 */
export function describeSessionStore(name: string, create: (options: { sessionTtlMs: number }) => SessionStore | Promise<SessionStore>): void {
  describe(`SessionStore conformance: ${name}`, () => {
    let store: SessionStore
    beforeEach(async () => {
      store = await create({ sessionTtlMs: 60_000 })
    })
    afterEach(async () => {
      await store.close()
    })

    it("makes the first joiner host and later joiners clients of it", async () => {
      await store.attach("s", "a", "sub-a")
      await store.attach("s", "b", "sub-b")
      expect(await store.join("s", "a", "sub-a", LIMITS)).toEqual({ role: "host" })
      expect(await store.join("s", "b", "sub-b", LIMITS)).toEqual({ role: "client", hostPeerId: "a" })
      const snapshot = await store.get("s")
      expect(snapshot?.hostPeerId).toBe("a")
      expect([...snapshot!.members.keys()].sort()).toEqual(["a", "b"])
    })

    it("elects one host among concurrent joins", async () => {
      const peers = Array.from({ length: 20 }, (_, i) => `p${i}`)
      await Promise.all(peers.map((p) => store.attach("race", p, `sub-${p}`)))
      const outcomes = await Promise.all(peers.map((p) => store.join("race", p, `sub-${p}`, { ...LIMITS, maxPeers: 50 })))
      expect(outcomes.filter((o) => o.role === "host")).toHaveLength(1)
      const host = peers[outcomes.findIndex((o) => o.role === "host")]
      expect(outcomes.filter((o) => o.role === "client" && o.hostPeerId === host)).toHaveLength(19)
    })

    it("refuses joins past maxPeers, counting the host", async () => {
      for (const p of ["a", "b", "c", "d"]) await store.attach("s", p, `sub-${p}`)
      await store.join("s", "a", "sub-a", LIMITS)
      await store.join("s", "b", "sub-b", LIMITS)
      await store.join("s", "c", "sub-c", LIMITS)
      expect(await store.join("s", "d", "sub-d", LIMITS)).toEqual({ role: "refused", reason: "session_full" })
      expect(await store.join("s", "c", "sub-c", LIMITS)).toEqual({ role: "client", hostPeerId: "a" })
    })

    it("resets the session when the host detaches, and ignores a stale detach", async () => {
      await store.attach("s", "a", "sub-a")
      await store.attach("s", "b", "sub-b")
      await store.join("s", "a", "sub-a", LIMITS)
      await store.join("s", "b", "sub-b", LIMITS)
      expect(await store.detach("s", "a", "sub-old")).toEqual({ hostLeft: false })
      expect(await store.detach("s", "a", "sub-a")).toEqual({ hostLeft: true })
      const snapshot = await store.get("s")
      expect(snapshot?.hostPeerId).toBeUndefined()
      expect(snapshot?.members.size).toBe(0)
      expect(await store.join("s", "b", "sub-b", LIMITS)).toEqual({ role: "host" })
    })

    it("a new subscription for a peer displaces the old one; a displaced host stays host on the new one", async () => {
      await store.attach("s", "a", "sub-a1")
      await store.attach("s", "b", "sub-b1")
      await store.join("s", "a", "sub-a1", LIMITS)
      await store.join("s", "b", "sub-b1", LIMITS)
      expect(await store.attach("s", "a", "sub-a2")).toEqual({ displacedSubscriptionId: "sub-a1" })
      expect((await store.get("s"))?.hostPeerId).toBe("a")
      expect(await store.detach("s", "a", "sub-a1")).toEqual({ hostLeft: false })
      expect(await store.route("s", "a", "b")).toBe("ok")
      expect(await store.attach("s", "b", "sub-b2")).toEqual({ displacedSubscriptionId: "sub-b1" })
      expect((await store.get("s"))?.members.has("b")).toBe(false)
      expect(await store.attach("s", "a", "sub-a2")).toEqual({})
      expect(await store.detach("s", "a", "sub-a2")).toEqual({ hostLeft: true })
    })

    it("keeps a client the host reports connected after it detaches, until reported gone", async () => {
      await store.attach("s", "a", "sub-a")
      await store.attach("s", "b", "sub-b")
      await store.join("s", "a", "sub-a", LIMITS)
      await store.join("s", "b", "sub-b", LIMITS)
      expect(await store.reportClient("s", "b", "a", true)).toBe("not_host")
      expect(await store.reportClient("s", "a", "b", true)).toBe("ok")
      await store.detach("s", "b", "sub-b")
      expect((await store.get("s"))?.members.get("b")).toEqual({ connected: true })
      await store.reportClient("s", "a", "b", false)
      expect((await store.get("s"))?.members.has("b")).toBe(false)
    })

    it("a detached client that never connected no longer counts, cannot be signalled, and may still be reported connected", async () => {
      for (const p of ["a", "b", "c", "d"]) await store.attach("s", p, `sub-${p}`)
      await store.join("s", "a", "sub-a", LIMITS)
      await store.join("s", "b", "sub-b", LIMITS)
      await store.join("s", "c", "sub-c", LIMITS)
      await store.detach("s", "b", "sub-b")
      expect(await store.route("s", "a", "b")).toBe("peer_not_found")
      expect(await store.join("s", "d", "sub-d", LIMITS)).toEqual({ role: "client", hostPeerId: "a" })
      expect((await store.get("s"))?.members.has("b")).toBe(false)
      // Its link opened as it left signaling: the host's report arrives after the detach.
      await store.attach("s", "e", "sub-e")
      await store.join("s", "e", "sub-e", { ...LIMITS, maxPeers: 5 })
      await store.detach("s", "e", "sub-e")
      expect(await store.reportClient("s", "a", "e", true)).toBe("ok")
      expect((await store.get("s"))?.members.get("e")).toEqual({ connected: true })
    })

    it("a host cannot report made-up members connected", async () => {
      await store.attach("s", "a", "sub-a")
      await store.join("s", "a", "sub-a", LIMITS)
      for (const ghost of ["g1", "g2", "g3"]) expect(await store.reportClient("s", "a", ghost, true)).toBe("not_member")
      expect([...(await store.get("s"))!.members.keys()]).toEqual(["a"])
      await store.attach("s", "b", "sub-b")
      expect(await store.join("s", "b", "sub-b", LIMITS)).toEqual({ role: "client", hostPeerId: "a" })
    })

    it("restore re-registers what a store lost, and never overrides what happened meanwhile", async () => {
      expect(await store.restore("s", "a", "sub-a", { role: "host", leaseMs: 10_000, clients: ["b", "c"] })).toBe("ok")
      expect(await store.restore("s", "d", "sub-d", { role: "member" })).toBe("ok")
      expect(await store.restore("s", "e", "sub-e", { role: "attached" })).toBe("ok")
      const snapshot = await store.get("s")
      expect(snapshot?.hostPeerId).toBe("a")
      expect(Object.fromEntries(snapshot!.members)).toEqual({ a: { connected: true }, b: { connected: true }, c: { connected: true }, d: { connected: false } })
      expect(Object.fromEntries(snapshot!.attached)).toEqual({ a: "sub-a", d: "sub-d", e: "sub-e" })
      expect(await store.route("s", "a", "d")).toBe("ok")
      expect(await store.restore("s", "a", "sub-a", { role: "host", leaseMs: 10_000, clients: [] })).toBe("ok")
      await store.attach("s", "d", "sub-d2")
      expect(await store.restore("s", "d", "sub-d", { role: "member" })).toBe("displaced")
      expect(await store.restore("s", "z", "sub-z", { role: "host", leaseMs: 10_000, clients: [] })).toBe("lost")
    })

    it("routes signals only between the host and a joined, attached client", async () => {
      for (const p of ["a", "b", "c"]) await store.attach("s", p, `sub-${p}`)
      await store.join("s", "a", "sub-a", LIMITS)
      await store.join("s", "b", "sub-b", LIMITS)
      expect(await store.route("s", "a", "b")).toBe("ok")
      expect(await store.route("s", "b", "a")).toBe("ok")
      expect(await store.route("s", "c", "a")).toBe("not_joined")
      await store.join("s", "c", "sub-c", LIMITS)
      expect(await store.route("s", "b", "c")).toBe("not_host")
      expect(await store.route("s", "a", "z")).toBe("peer_not_found")
    })

    it("replaces a host whose lease lapsed, and renewal keeps a live one", async () => {
      const short = { ...LIMITS, hostLeaseMs: 150 }
      await store.attach("s", "a", "sub-a")
      await store.attach("s", "b", "sub-b")
      await store.join("s", "a", "sub-a", short)
      await sleep(100)
      await store.renewHostLease("s", "a", "sub-a", 150)
      await sleep(100)
      expect(await store.join("s", "b", "sub-b", short)).toEqual({ role: "client", hostPeerId: "a" })
      await sleep(200)
      expect(await store.join("s", "b", "sub-b", short)).toEqual({ role: "host", replacedHost: { peerId: "a", reason: "host_stale" } })
    })

    it("a host renewing a forgotten session reclaims it; a replaced host learns it lost", async () => {
      await store.close()
      store = await create({ sessionTtlMs: 200 })
      await store.attach("s", "a", "sub-a")
      await store.join("s", "a", "sub-a", LIMITS)
      expect(await store.renewHostLease("s", "a", "sub-a", 10_000)).toBe("renewed")
      await sleep(300)
      expect(await store.get("s")).toBeUndefined()
      expect(await store.renewHostLease("s", "a", "sub-a", 10_000)).toBe("reclaimed")
      expect((await store.get("s"))?.hostPeerId).toBe("a")
      await store.detach("s", "a", "sub-a")
      await store.attach("s", "b", "sub-b")
      await store.join("s", "b", "sub-b", LIMITS)
      expect(await store.renewHostLease("s", "a", "sub-a", 10_000)).toBe("lost")
    })

    it("forgets an idle session after the TTL", async () => {
      await store.close()
      store = await create({ sessionTtlMs: 200 })
      await store.attach("s", "a", "sub-a")
      await store.join("s", "a", "sub-a", LIMITS)
      expect(await store.countSessions()).toBe(1)
      await sleep(300)
      expect(await store.get("s")).toBeUndefined()
      expect(await store.countSessions()).toBe(0)
    })

    it("holds nothing once every peer has gone", async () => {
      for (let i = 0; i < 50; i += 1) {
        await store.attach(`s${i}`, "a", "sub-a")
        await store.attach(`s${i}`, "b", "sub-b")
        await store.join(`s${i}`, "a", "sub-a", LIMITS)
        await store.join(`s${i}`, "b", "sub-b", LIMITS)
        await store.detach(`s${i}`, "b", "sub-b")
        await store.detach(`s${i}`, "a", "sub-a")
      }
      expect(await store.countSessions()).toBe(0)
    })
  })
}
