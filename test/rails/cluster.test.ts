import type { Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildChannelIdentifier } from "../../src/protocol/ChannelIdentifier.js"
import { signJoinToken } from "../../src/server/JoinToken.js"
import { launchChromium, newContext } from "../helpers/browser.js"
import { RawClientPool } from "../helpers/RawCableClient.js"
import { startRails, type RailsProcess } from "../helpers/railsServer.js"
import { startRedis, type RedisProcess } from "../helpers/redisServer.js"

const SECRET = "rails-cluster-secret-0123456789"
const identifier = (sessionId: string, peerId: string) => buildChannelIdentifier(sessionId, peerId, signJoinToken(SECRET, { sessionId, peerId, expiresAt: Date.now() + 60_000 }))

describe("two Rails processes on one redis-server form one set of sessions", () => {
  let redis: RedisProcess
  let a: RailsProcess
  let b: RailsProcess
  let browser: Browser | undefined
  const pool = new RawClientPool()
  beforeAll(async () => {
    redis = await startRedis()
    const env = { P2P_STREAMS_CHANNEL_SECRET: SECRET, P2P_STREAMS_CHANNEL_STORE: redis.url, REDIS_URL: redis.url }
    ;[a, b] = await Promise.all([startRails(env), startRails(env)])
  }, 60_000)
  afterAll(async () => {
    pool.closeAll()
    await browser?.close()
    await Promise.all([a?.stop(), b?.stop()])
    await redis?.stop()
  })

  it("host on one, client on the other: one election, signals cross, the host's end resets the session", async () => {
    const [host, bob, carol] = [await pool.connect(a.cableUrl), await pool.connect(b.cableUrl), await pool.connect(b.cableUrl)]
    const ids = { host: identifier("x", "host"), bob: identifier("x", "bob"), carol: identifier("x", "carol") }
    expect(await host.join(ids.host)).toMatchObject({ host_peer_id: "host", peer_id: "host" })
    expect(await bob.join(ids.bob)).toMatchObject({ host_peer_id: "host", peer_id: "bob" })
    expect(await host.message(ids.host, "SessionReady")).toMatchObject({ peer_id: "bob" })
    host.perform(ids.host, { type: "Connection", state: "SdpOffer", to_peer_id: "bob", sdp: { type: "offer", sdp: "v=0 from a" } })
    expect(await bob.message(ids.bob, "SdpOffer")).toMatchObject({ peer_id: "host", sdp: { sdp: "v=0 from a" } })
    bob.perform(ids.bob, { type: "Connection", state: "SdpAnswer", to_peer_id: "host", sdp: { type: "answer", sdp: "v=0 from b" } })
    expect(await host.message(ids.host, "SdpAnswer")).toMatchObject({ peer_id: "bob" })
    expect(await carol.join(ids.carol)).toMatchObject({ host_peer_id: "host" })
    host.close()
    expect(await bob.message(ids.bob, "SessionReset", 5000)).toMatchObject({ host_peer_id: "host", reason: "host_left" })
    expect(await carol.message(ids.carol, "SessionReset", 5000)).toMatchObject({ host_peer_id: "host" })
    carol.perform(ids.carol, { type: "Connection", state: "SessionJoin" })
    expect(await carol.message(ids.carol, "SessionReady")).toMatchObject({ host_peer_id: "carol", peer_id: "carol" })
  })

  it("pages on the two processes chat in Chromium", async () => {
    browser = await launchChromium()
    const context = await newContext(browser, a.baseUrl)
    const [ann, ben] = [await context.newPage(), await context.newPage()]
    await ann.goto(`${a.baseUrl}/room_chat?name=ann&room=across`)
    await ben.goto(`${b.baseUrl}/room_chat?name=ben&room=across`)
    await expect.poll(() => ben.locator('[data-chat-target="status"]').innerText(), { timeout: 15_000 }).toMatch(/ann: connected\s+ben: connected/)
    await ben.fill('[data-chat-target="message"]', "across processes")
    await ben.click('[data-action="chat#send"]')
    await expect.poll(() => ann.locator('[data-chat-target="messages"]').innerText()).toContain("ben: across processes")
    await context.close()
  })
})
