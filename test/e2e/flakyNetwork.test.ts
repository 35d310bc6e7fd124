import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { frameView, joinDemo, newContext, recordConnections } from "../helpers/browser.js"
import { everyoneSees, healthz, say, useDemoServer } from "../helpers/demoRoom.js"
import { blockUdp, unblockUdp } from "../helpers/udpBlackout.js"

const SECRET = "flaky-secret-0123456789"
// A heartbeat patient enough to outlast the blackout, so ICE gets the chance to recover.
const QUERY = "room=flaky&interval_mls=500&idle_timeout_mls=20000"

describe("a flaky network", () => {
  const fixture = useDemoServer(SECRET)
  const subscriptions = async () => (await healthz(fixture.serve)).subscriptions

  it("a WebRTC blackout shorter than the idle timeout is ridden out with an ICE restart, without rejoining", async () => {
    const context = await newContext(fixture.browser, fixture.serve.baseUrl)
    await recordConnections(context)
    await context.addInitScript(() => {
      const scope = window as unknown as { __p2pDisconnects: number }
      scope.__p2pDisconnects = 0
      document.addEventListener("p2p:disconnected", () => (scope.__p2pDisconnects += 1))
    })
    const host = await joinDemo(context, "host", QUERY)
    const alice: Page = await joinDemo(context, "alice", QUERY)
    await expect.poll(() => alice.locator('[data-chat-target="status"]').innerText(), { timeout: 10_000 }).toContain("alice: connected")
    await expect.poll(() => subscriptions()).toBe(1)
    const connectedAt = (await frameView(alice)).connectedAt

    blockUdp()
    try {
      // The client notices the lost path and comes back to signaling to restart ICE.
      await expect.poll(() => subscriptions(), { timeout: 15_000, interval: 200 }).toBe(2)
    } finally {
      unblockUdp()
    }
    // Restored: the client drops signaling again, and the same link carries the chat.
    await expect.poll(() => subscriptions(), { timeout: 15_000 }).toBe(1)
    await say(alice, "still here")
    await everyoneSees([host], "alice: still here")
    const view = await frameView(alice)
    expect(view).toMatchObject({ state: "connected", hostPeerId: "host", connectedAt })
    expect(await alice.evaluate(() => (window as unknown as { __p2pDisconnects: number }).__p2pDisconnects)).toBe(0)
    await context.close()
  })
})
