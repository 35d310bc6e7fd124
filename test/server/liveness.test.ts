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
    for (const [client, id] of [[host, ids.alice], [bob, ids.bob]] as const) {
      client.subscribe(id)
      await client.next((f) => f.type === "confirm_subscription")
      client.perform(id, JOIN)
      await client.message(id, "SessionReady")
    }
    const started = Date.now()
    expect(await bob.message(ids.bob, "SessionReset", 3000)).toMatchObject({ host_peer_id: "alice", reason: "host_left" })
    expect(Date.now() - started).toBeLessThan(2000)
    expect(t.server.stats().connections).toBe(1)
    bob.perform(ids.bob, JOIN)
    expect(await bob.message(ids.bob, "SessionReady")).toMatchObject({ host_peer_id: "bob" })
    bob.close()
    host.close()
  })

  it("keeps a connection that answers pings even when it sends nothing", async () => {
    t = await startTestServer({ pingIntervalMs: 100, livenessTimeoutMs: 400 })
    const quiet = await RawCableClient.connect(t.cableUrl)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(quiet.closeEvent).toBeUndefined()
    expect(quiet.frames.filter((f) => f.type === "ping").length).toBeGreaterThanOrEqual(5)
    quiet.close()
  })

  it("holds no sessions, subscriptions or streams after many join/leave cycles", async () => {
    const store = new MemorySessionStore()
    const broker = new MemoryBroker()
    t = await startTestServer({ store, broker })
    for (let cycle = 0; cycle < 100; cycle += 1) {
      const peers = await Promise.all(["a", "b", "c"].map(() => RawCableClient.connect(t.cableUrl)))
      const ids = ["a", "b", "c"].map((p) => t.identifier(`cycle-${cycle % 7}`, p))
      await Promise.all(peers.map(async (client, i) => {
        client.subscribe(ids[i]!)
        await client.next((f) => f.type === "confirm_subscription")
        client.perform(ids[i]!, JOIN)
        await client.message(ids[i]!, "SessionReady")
      }))
      if (cycle % 2 === 0) peers[0]!.send({ command: "unsubscribe", identifier: ids[0] })
      for (const client of peers) client.close()
    }
    await eventually(async () => t.server.stats().connections === 0 && (await store.countSessions()) === 0, 5000, "all gone")
    expect(t.server.stats().subscriptions).toBe(0)
    expect(broker.streamCount).toBe(0)
    await store.close()
  })
})
