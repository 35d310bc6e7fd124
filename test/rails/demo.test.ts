import type { Browser, BrowserContext, Page } from "playwright-core"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { launchChromium, newContext, recordConnections, waitForNewHost } from "../helpers/browser.js"
import { startRails, type RailsProcess } from "../helpers/railsServer.js"

const SECRET = "rails-demo-secret-0123456789"

async function statuses(page: Page): Promise<string[]> {
  return (await page.locator('[data-chat-target="status"] li').allInnerTexts()).map((line) => line.trim()).sort()
}

describe("the gem's dummy app (the seed's demo) in Chromium, Rails as the signaling server", () => {
  let rails: RailsProcess
  let browser: Browser
  let context: BrowserContext
  let room = 0
  beforeAll(async () => {
    rails = await startRails({ P2P_STREAMS_CHANNEL_SECRET: SECRET })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    expect(await rails?.stop("SIGTERM")).toBe(0)
  })
  beforeEach(async () => {
    context = await newContext(browser, rails.baseUrl)
    // Every WebSocket a page opens: p2p_frame_tag's preconnect script opens the one the frame takes.
    await context.addInitScript(`window.__sockets = 0; window.WebSocket = class extends WebSocket { constructor(...args) { super(...args); window.__sockets += 1 } }`)
    room += 1
  })
  afterEach(async () => {
    await context.close()
  })

  /** The name form at /, as a person would use it, then the room of this test. */
  async function join(name: string): Promise<Page> {
    const page = await context.newPage()
    page.on("pageerror", (error) => console.error(`[${name}] ${error.message}`))
    await page.goto("/")
    await page.fill('input[placeholder="name"]', name)
    await page.click('input[type="submit"]')
    await page.waitForURL(/room_chat/)
    if (room > 0) await page.goto(`/room_chat?name=${name}&room=rails-${room}`)
    return page
  }

  const say = async (page: Page, text: string) => {
    await page.fill('[data-chat-target="message"]', text)
    await page.click('[data-action="chat#send"]')
  }

  it("host and two clients: everyone's status, and a line from one reaches all, the host included", async () => {
    const pages = [await join("ann"), await join("ben"), await join("cat")]
    for (const page of pages) await expect.poll(() => statuses(page), { timeout: 15_000 }).toEqual(["ann: connected", "ben: connected", "cat: connected"])
    for (const page of pages) expect(await page.evaluate(() => (window as unknown as { __sockets: number }).__sockets)).toBe(1)
    await say(pages[1]!, "hello from ben")
    for (const page of pages) await expect.poll(() => page.locator('[data-chat-target="messages"]').innerText()).toContain("ben: hello from ben")
  })

  it("a client leaving shows as disconnected; reloading re-negotiates", async () => {
    const [ann, ben] = [await join("ann"), await join("ben")]
    await expect.poll(() => statuses(ann), { timeout: 15_000 }).toEqual(["ann: connected", "ben: connected"])
    await ben.reload()
    await expect.poll(() => statuses(ben), { timeout: 15_000 }).toEqual(["ann: connected", "ben: connected"])
    await say(ben, "back again")
    await expect.poll(() => ann.locator('[data-chat-target="messages"]').innerText()).toContain("ben: back again")
    await ben.close()
    await expect.poll(() => statuses(ann), { timeout: 5000 }).toEqual(["ann: connected", "ben: disconnected"])
  })

  it("the host leaving: the others elect a new one and chat on, with no reload", async () => {
    const [ann, ben, cat] = [await join("ann"), await join("ben"), await join("cat")]
    for (const page of [ann, ben, cat]) await expect.poll(() => statuses(page), { timeout: 15_000 }).toEqual(["ann: connected", "ben: connected", "cat: connected"])
    await ann.close()
    await expect.poll(async () => [await ben.locator('[data-chat-target="state"]').innerText(), await cat.locator('[data-chat-target="state"]').innerText()].join(" | "), { timeout: 15_000 })
      .toMatch(/(connected — you are the host \| connected to host ben|connected to host cat \| connected — you are the host)/)
    await say(cat, "still here")
    await expect.poll(() => ben.locator('[data-chat-target="messages"]').innerText()).toContain("cat: still here")
  })

  it("the host's renderer crashing: the others notice by heartbeat, elect a new host and chat on", async () => {
    await recordConnections(context)
    const [ann, ben, cat] = [await join("ann"), await join("ben"), await join("cat")]
    for (const page of [ann, ben, cat]) await expect.poll(() => statuses(page), { timeout: 15_000 }).toEqual(["ann: connected", "ben: connected", "cat: connected"])
    const cdp = await context.newCDPSession(ann)
    const crashedAt = Date.now()
    void cdp.send("Page.crash").catch(() => {})
    const { host } = await waitForNewHost([ben, cat], "ann", crashedAt, 20_000)
    expect(["ben", "cat"]).toContain(host)
    await say(ben, "after the crash")
    await expect.poll(() => cat.locator('[data-chat-target="messages"]').innerText()).toContain("ben: after the crash")
  })
})
