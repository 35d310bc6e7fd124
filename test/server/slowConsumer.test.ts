import { afterEach, describe, expect, it } from "vitest"
import type { Duplex } from "node:stream"
import type { Logger } from "../../src/server/Logger.js"
import { RawClientPool, type RawCableClient } from "../helpers/RawCableClient.js"
import { eventually, rejections, startTestServer, type TestServer } from "../helpers/testServer.js"

const offer = (to: string, sdp: string) => ({ type: "Connection", state: "SdpOffer", to_peer_id: to, sdp: { type: "offer", sdp } })

const metric = (t: TestServer, reason: string) => rejections(t.httpUrl, reason)

/** Stops reading from the socket: what the server sends piles up in its buffers. */
function stopReading(client: RawCableClient): void {
  ;(client.socket as unknown as { _socket: Duplex })._socket.pause()
}

describe("a client that stops reading cannot make the server queue without bound", () => {
  let t: TestServer
  const pool = new RawClientPool()
  const connect = () => pool.connect(t.cableUrl)
  afterEach(async () => {
    pool.closeAll()
    await t.close()
  })

  it("a host that stops reading while a client floods it with offers is dropped once, logged once, counted; memory stays flat", async () => {
    const warnings: string[] = []
    const logger: Logger = { debug() {}, info() {}, warn: (line) => warnings.push(line), error: (line) => warnings.push(line) }
    t = await startTestServer({ logger })
    const [host, flooder, bystander] = [await connect(), await connect(), await connect()]
    const ids = { host: t.identifier("room", "host"), flooder: t.identifier("room", "flooder"), bystander: t.identifier("other", "solo") }
    await host.join(ids.host)
    await flooder.join(ids.flooder)
    await bystander.join(ids.bystander)
    stopReading(host)
    const before = process.memoryUsage()
    const sdp = "x".repeat(60_000)
    // The flood stays within the rate limit (100 a second, bursts of 200): only the buffer bound can stop it.
    const flood = setInterval(() => {
      for (let i = 0; i < 10; i += 1) flooder.perform(ids.flooder, offer("host", sdp))
    }, 100)
    try {
      await eventually(async () => (await metric(t, "slow_consumer")) === 1, 15_000, "the non-reading host dropped")
      await new Promise((resolve) => setTimeout(resolve, 3000)) // the flood goes on against a host that is gone
    } finally {
      clearInterval(flood)
    }
    const after = process.memoryUsage()
    expect(t.server.stats().connections).toBe(2)
    expect(await metric(t, "slow_consumer")).toBe(1)
    expect(warnings.filter((line) => line.includes("slow_consumer"))).toHaveLength(1)
    // Without the bound, the same flood queued tens of MB a second for the host.
    expect(after.heapUsed + after.external - (before.heapUsed + before.external)).toBeLessThan(48 * 1024 * 1024)
    // The flooder is told the host is gone; the other session never noticed.
    expect(await flooder.message(ids.flooder, "SessionReset")).toMatchObject({ host_peer_id: "host", reason: "host_left" })
    bystander.perform(ids.bystander, { type: "Connection", state: "SessionJoin" })
    expect(await bystander.message(ids.bystander, "SessionReady")).toMatchObject({ host_peer_id: "solo" })
  })

  it("a host cannot address signals to itself", async () => {
    t = await startTestServer()
    const host = await connect()
    const id = t.identifier("room", "host")
    await host.join(id)
    host.perform(id, offer("host", "to myself"))
    expect(await host.message(id, "Error")).toMatchObject({ code: "bad_message", message: "a peer cannot signal itself" })
    expect(host.frames.filter((f) => f.message?.state === "SdpOffer")).toEqual([])
  })
})
