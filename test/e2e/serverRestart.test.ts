import type { Browser, BrowserContext, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { frameView, joinDemo, launchChromium, newContext, recordConnections } from "../helpers/browser.js"
import { startServe, type ServeProcess } from "../helpers/cli.js"

const SECRET = "restart-secret-0123456789"
const QUERY = "room=restart&interval_mls=250&idle_timeout_mls=1000"

async function statuses(page: Page): Promise<string[]> {
  return (await page.locator('[data-chat-target="status"] li').allInnerTexts()).map((line) => line.trim()).sort()
}

async function say(page: Page, text: string): Promise<void> {
  await page.fill('input[data-chat-target="message"]', text)
  await page.click('input[data-action="chat#send"]')
}

async function healthz(serve: ServeProcess): Promise<{ connections: number; subscriptions: number }> {
  return (await fetch(`${serve.baseUrl}/healthz`)).json() as Promise<{ connections: number; subscriptions: number }>
}

describe("the signaling server restarting mid-session", () => {
  let serve: ServeProcess
  let browser: Browser
  let context: BrowserContext
  beforeAll(async () => {
    serve = await startServe([], { P2P_STREAMS_CHANNEL_SECRET: SECRET })
    browser = await launchChromium()
    context = await newContext(browser, serve.baseUrl)
    await recordConnections(context)
  })
  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  it("leaves the data channels alone; the host re-registers and new clients join afterwards", async () => {
    const pages = [await joinDemo(context, "host", QUERY), await joinDemo(context, "alice", QUERY), await joinDemo(context, "bob", QUERY)]
    const [host, alice, bob] = pages as [Page, Page, Page]
    for (const page of pages) await expect.poll(() => statuses(page), { timeout: 10_000 }).toEqual(["alice: connected", "bob: connected", "host: connected"])
    const before = await Promise.all(pages.map(frameView))
    const port = new URL(serve.baseUrl).port

    expect(await serve.stop("SIGTERM")).toBe(0)
    await say(alice, "while the server is down")
    for (const page of pages) await expect.poll(() => page.locator('[data-chat-target="messages"]').innerText()).toContain("alice: while the server is down")

    serve = await startServe(["--port", port], { P2P_STREAMS_CHANNEL_SECRET: SECRET })
    await expect.poll(async () => (await healthz(serve)).subscriptions, { timeout: 15_000 }).toBe(1)

    const dave = await joinDemo(context, "dave", QUERY)
    const everyone = ["alice: connected", "bob: connected", "dave: connected", "host: connected"]
    for (const page of [...pages, dave]) await expect.poll(() => statuses(page), { timeout: 10_000 }).toEqual(everyone)
    expect((await frameView(dave)).hostPeerId).toBe("host")
    await say(dave, "joined after the restart")
    for (const page of [host, alice, bob]) await expect.poll(() => page.locator('[data-chat-target="messages"]').innerText()).toContain("dave: joined after the restart")

    // Nobody re-connected: the original links carried on through the restart.
    const after = await Promise.all(pages.map(frameView))
    expect(after.map((view) => view.connectedAt)).toEqual(before.map((view) => view.connectedAt))
    expect(after.map((view) => view.hostPeerId)).toEqual(["host", "host", "host"])
  })
})
