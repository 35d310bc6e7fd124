import { afterEach, describe, expect, it } from "vitest"
import { MemoryBroker } from "../../src/server/store/MemoryBroker.js"
import { MemorySessionStore } from "../../src/server/store/MemorySessionStore.js"
import { RawCableClient } from "../helpers/RawCableClient.js"
import { eventually, startTestServer, type TestServer } from "../helpers/testServer.js"

const JOIN = { type: "Connection", state: "SessionJoin" }

describe("liveness", () => {
  let t: TestServer
  afterEach(async () => {
    await t.close()
  })

  it("drops a host that stops answering and resets its session", async () => {
    t = await startTestServer({ pingIntervalMs: 100, livenessTimeoutMs: 400 })
    const host = await RawCableClient.connect(t.cableUrl, { autoPong: false })
    const bob = await RawCableClient.connect(t.cableUrl)
    const ids = { alice: t.identifier("s", "alice"), bob: t.identifier("s", "bob") }
    for (const [client, id] of [[host, ids.alice], [bob, ids.bob]] as const) await client.join(id)
    const started = Date.now()
    expect(await bob.message(ids.bob, "SessionReset", 3000)).toMatchObject({ host_peer_id: "alice", reason: "host_left" })
    expect(Date.now() - started).toBeLessThan(2000)
    expect(t.server.stats().connections).toBe(1)
    bob.perform(ids.bob, JOIN)
    expect(await bob.message(ids.bob, "SessionReady")).toMatchObject({ host_peer_id: "bob" })
    bob.close()
    host.close()
  })

  it("a rejoin reporting the host lost gets a silent host dropped within the probe timeout, not the liveness timeout", async () => {
    t = await startTestServer({ pingIntervalMs: 1000, livenessTimeoutMs: 30_000, probeTimeoutMs: 300 })
    const host = await RawCableClient.connect(t.cableUrl, { autoPong: false })
    const bob = await RawCableClient.connect(t.cableUrl)
    const ids = { alice: t.identifier("s", "alice"), bob: t.identifier("s", "bob") }
    for (const [client, id] of [[host, ids.alice], [bob, ids.bob]] as const) await client.join(id)
    const started = Date.now()
    bob.perform(ids.bob, { type: "Connection", state: "SessionJoin", lost_host_peer_id: "alice" })
    // Until the probe fails, the suspect is still the host.
    expect(await bob.message(ids.bob, "SessionReady")).toMatchObject({ host_peer_id: "alice" })
    expect(await bob.message(ids.bob, "SessionReset", 3000)).toMatchObject({ host_peer_id: "alice", reason: "host_left" })
    expect(Date.now() - started).toBeLessThan(2000)
    bob.perform(ids.bob, JOIN)
    expect(await bob.message(ids.bob, "SessionReady")).toMatchObject({ host_peer_id: "bob" })
    bob.close()
  })

  it("a probe leaves a live host alone", async () => {
    t = await startTestServer({ probeTimeoutMs: 300 })
    const host = await RawCableClient.connect(t.cableUrl)
    const bob = await RawCableClient.connect(t.cableUrl)
    const ids = { alice: t.identifier("s", "alice"), bob: t.identifier("s", "bob") }
    for (const [client, id] of [[host, ids.alice], [bob, ids.bob]] as const) await client.join(id)
    bob.perform(ids.bob, { type: "Connection", state: "SessionJoin", lost_host_peer_id: "alice" })
    expect(await bob.message(ids.bob, "SessionReady")).toMatchObject({ host_peer_id: "alice", peer_id: "bob" })
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(host.closeEvent).toBeUndefined()
    expect(bob.frames.filter((f) => f.message?.state === "SessionReset")).toEqual([])
    host.close()
    bob.close()
  })

  it("keeps a connection that answers pings even when it sends nothing", async () => {
    t = await startTestServer({ pingIntervalMs: 100, livenessTimeoutMs: 400 })
    const quiet = await RawCableClient.connect(t.cableUrl)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(quiet.closeEvent).toBeUndefined()
    expect(quiet.frames.filter((f) => f.type === "ping").length).toBeGreaterThanOrEqual(5)
    quiet.close()
  })

  it("holds no sessions, subscriptions or streams after 1,000 join/leave/failover cycles", async () => {
    const store = new MemorySessionStore()
    const broker = new MemoryBroker()
    t = await startTestServer({ store, broker })
    // 1,000 cycles, ten sessions at a time. Each: a host and two clients join; the host leaves
    // (closing, unsubscribing or leaving); the clients see the reset and fail over, one becoming host;
    // then everyone goes.
    const cycle = async (n: number) => {
      const session = `cycle-${n % 10}`
      const names = ["h", "c1", "c2"]
      const peers = await Promise.all(names.map(() => RawCableClient.connect(t.cableUrl)))
      const ids = names.map((name) => t.identifier(session, name))
      for (const [i, client] of peers.entries()) {
        client.subscribe(ids[i]!)
        await client.next((f) => f.type === "confirm_subscription")
        client.perform(ids[i]!, JOIN)
        await client.message(ids[i]!, "SessionReady")
      }
      const [host, c1, c2] = peers as [RawCableClient, RawCableClient, RawCableClient]
      if (n % 3 === 0) host.close()
      else if (n % 3 === 1) host.send({ command: "unsubscribe", identifier: ids[0] })
      else host.perform(ids[0]!, { type: "Connection", state: "SessionLeave" })
      await c1.message(ids[1]!, "SessionReset")
      await c2.message(ids[2]!, "SessionReset")
      c1.perform(ids[1]!, JOIN)
      await c1.message(ids[1]!, "SessionReady")
      c2.perform(ids[2]!, { type: "Connection", state: "SessionJoin", lost_host_peer_id: "h" })
      expect(await c2.message(ids[2]!, "SessionReady")).toMatchObject({ host_peer_id: "c1" })
      for (const client of peers) client.close()
      await Promise.all(peers.map((client) => client.closed()))
    }
    for (let batch = 0; batch < 100; batch += 1) await Promise.all(Array.from({ length: 10 }, (_, i) => cycle(batch * 10 + i)))
    await eventually(async () => t.server.stats().connections === 0 && t.server.stats().subscriptions === 0, 5000, "all closed")
    await eventually(async () => (await store.countSessions()) === 0, 5000, "no sessions")
    expect(broker.streamCount).toBe(0)
    await store.close()
  }, 120_000)
})
