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

describe("a host reported lost is probed with a WebSocket ping, as the Node server probes it", () => {
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

  it("a live host page answers (its browser pongs): it stays host", async () => {
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
    expect(rails.output()).not.toMatch(/did not answer a probe|liveness_timeout/)
    await context.close()
  })
})
