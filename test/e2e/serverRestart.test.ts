import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { frameView, joinDemo, newContext, recordConnections } from "../helpers/browser.js"
import { startServe } from "../helpers/cli.js"
import { everyoneSees, expectStatuses, healthz, say, useDemoServer } from "../helpers/demoRoom.js"

const SECRET = "restart-secret-0123456789"
const QUERY = "room=restart&interval_mls=250&idle_timeout_mls=1000"

describe("the signaling server restarting mid-session", () => {
  const fixture = useDemoServer(SECRET)

  it("leaves the data channels alone; the host re-registers and new clients join afterwards", async () => {
    const context = await newContext(fixture.browser, fixture.serve.baseUrl)
    await recordConnections(context)
    const pages = [await joinDemo(context, "host", QUERY), await joinDemo(context, "alice", QUERY), await joinDemo(context, "bob", QUERY)]
    const [host, alice, bob] = pages as [Page, Page, Page]
    for (const page of pages) await expectStatuses(page, ["alice: connected", "bob: connected", "host: connected"])
    const before = await Promise.all(pages.map(frameView))
    const port = new URL(fixture.serve.baseUrl).port

    expect(await fixture.serve.stop("SIGTERM")).toBe(0)
    await say(alice, "while the server is down")
    await everyoneSees(pages, "alice: while the server is down")

    fixture.serve = await startServe(["--demo", "--port", port], { P2P_STREAMS_CHANNEL_SECRET: SECRET })
    await expect.poll(async () => (await healthz(fixture.serve)).subscriptions, { timeout: 15_000 }).toBe(1)

    const dave = await joinDemo(context, "dave", QUERY)
    const everyone = ["alice: connected", "bob: connected", "dave: connected", "host: connected"]
    for (const page of [...pages, dave]) await expectStatuses(page, everyone)
    expect((await frameView(dave)).hostPeerId).toBe("host")
    await say(dave, "joined after the restart")
    await everyoneSees([host, alice, bob], "dave: joined after the restart")

    // Nobody re-connected: the original links carried on through the restart.
    const after = await Promise.all(pages.map(frameView))
    expect(after.map((view) => view.connectedAt)).toEqual(before.map((view) => view.connectedAt))
    expect(after.map((view) => view.hostPeerId)).toEqual(["host", "host", "host"])
    await context.close()
  })
})
