import type { Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { launchChromium, newContext } from "../helpers/browser.js"
import { buildChannelIdentifier } from "../../src/protocol/ChannelIdentifier.js"
import { signJoinToken } from "../../src/server/JoinToken.js"
import { RawClientPool } from "../helpers/RawCableClient.js"
import { startRails, type RailsProcess } from "../helpers/railsServer.js"

const SECRET = "rails-probe-secret-0123456789"
const identifier = (sessionId: string, peerId: string) => buildChannelIdentifier(sessionId, peerId, signJoinToken(SECRET, { sessionId, peerId, expiresAt: Date.now() + 60_000 }))
const JOIN = { type: "Connection", state: "SessionJoin" }

describe("a host reported lost is probed (Rails: a Probe message, since ActionCable cannot ping one socket)", () => {
  let rails: RailsProcess
  const pool = new RawClientPool()
  beforeAll(async () => {
    rails = await startRails({ P2P_STREAMS_CHANNEL_SECRET: SECRET })
  })
  let browser: Browser | undefined
  afterAll(async () => {
    pool.closeAll()
    await browser?.close()
    await rails?.stop()
  })

  it("a host whose page does not answer is dropped within the probe timeout, and the next joiner becomes host", async () => {
    const [host, bob] = [await pool.connect(rails.cableUrl), await pool.connect(rails.cableUrl)]
    const ids = { host: identifier("gone", "host"), bob: identifier("gone", "bob") }
    await host.join(ids.host)
    await bob.join(ids.bob)
    const reportedAt = Date.now()
    bob.perform(ids.bob, { ...JOIN, lost_host_peer_id: "host" })
    // The join proceeds at once with the host as it stands…
    expect(await bob.message(ids.bob, "SessionReady")).toMatchObject({ host_peer_id: "host" })
    expect(await host.message(ids.host, "Probe")).toEqual({ type: "Connection", state: "Probe" })
    // …and the silent host is dropped, which resets the session.
    expect(await host.next((f) => f.type === "disconnect", 4000)).toMatchObject({ reason: "remote" })
    expect(await bob.message(ids.bob, "SessionReset", 4000)).toMatchObject({ host_peer_id: "host", reason: "host_left" })
    expect(Date.now() - reportedAt).toBeLessThan(3000)
    bob.perform(ids.bob, JOIN)
    expect(await bob.message(ids.bob, "SessionReady")).toMatchObject({ host_peer_id: "bob" })
  })

  it("a host that answers is not disturbed: a peer cannot evict it by lying", async () => {
    const [host, liar] = [await pool.connect(rails.cableUrl), await pool.connect(rails.cableUrl)]
    const ids = { host: identifier("alive", "host"), liar: identifier("alive", "liar") }
    await host.join(ids.host)
    await liar.join(ids.liar)
    liar.perform(ids.liar, { ...JOIN, lost_host_peer_id: "host" })
    expect(await host.message(ids.host, "Probe")).toEqual({ type: "Connection", state: "Probe" })
    host.perform(ids.host, { type: "Connection", state: "ProbeAck" })
    await new Promise((resolve) => setTimeout(resolve, 2000))
    expect(host.closeEvent).toBeUndefined()
    expect(liar.frames.filter((f) => f.message?.state === "SessionReset")).toEqual([])
  })

  it("the browser client answers the probe: a live host page stays host", async () => {
    browser = await launchChromium()
    const context = await newContext(browser, rails.baseUrl)
    const ann = await context.newPage()
    await ann.goto("/room_chat?name=ann&room=probed")
    await expect.poll(() => ann.locator('[data-chat-target="state"]').innerText(), { timeout: 10_000 }).toBe("connected — you are the host")
    const liar = await pool.connect(rails.cableUrl)
    const id = identifier("probed", "liar")
    await liar.join(id)
    liar.perform(id, { ...JOIN, lost_host_peer_id: "ann" })
    await new Promise((resolve) => setTimeout(resolve, 2000))
    expect(liar.frames.filter((f) => f.message?.state === "SessionReset")).toEqual([])
    expect(await ann.locator('[data-chat-target="state"]').innerText()).toBe("connected — you are the host")
    await context.close()
  })
})
