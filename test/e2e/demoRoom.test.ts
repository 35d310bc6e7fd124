import type { Browser, BrowserContext, Page } from "playwright-core"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { joinDemo, launchChromium, newContext } from "../helpers/browser.js"
import { startServe, type ServeProcess } from "../helpers/cli.js"

const SECRET = "e2e-secret-0123456789abcdef"
const HEARTBEAT = "interval_mls=250&idle_timeout_mls=1000"

async function statusLines(page: Page): Promise<string[]> {
  return (await page.locator('[data-chat-target="status"] li').allInnerTexts()).map((line) => line.trim())
}

async function expectStatuses(page: Page, expected: string[], timeout = 10_000): Promise<void> {
  await expect.poll(async () => (await statusLines(page)).sort(), { timeout }).toEqual([...expected].sort())
}

async function connections(serve: ServeProcess): Promise<number> {
  return ((await (await fetch(`${serve.baseUrl}/healthz`)).json()) as { connections: number }).connections
}

async function say(page: Page, text: string): Promise<void> {
  await page.fill('input[data-chat-target="message"]', text)
  await page.click('input[data-action="chat#send"]')
}

describe("the demo room in real Chromium", () => {
  let serve: ServeProcess
  let browser: Browser
  let context: BrowserContext
  let room = 0

  beforeAll(async () => {
    serve = await startServe([], { P2P_STREAMS_CHANNEL_SECRET: SECRET })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })
  beforeEach(async () => {
    context = await newContext(browser, serve.baseUrl)
    room += 1
  })
  afterEach(async () => {
    await context.close()
  })

  const join = (name: string, extra = "") => joinDemo(context, name, `room=e2e-${room}&${HEARTBEAT}${extra}`)

  it("host + 2 clients joined through the name form: every page shows all three connected", async () => {
    const pages: Page[] = []
    for (const name of ["host", "peer1", "peer2"]) pages.push(await joinDemo(context, name))
    for (const page of pages) await expectStatuses(page, ["host: connected", "peer1: connected", "peer2: connected"])
    await expect.poll(() => pages[0]!.locator('[data-chat-target="state"]').innerText()).toMatch(/you are the host/)
  })

  it("a client's line reaches all three pages, and so does the host's", async () => {
    const [host, alice, bob] = [await join("host"), await join("alice"), await join("bob")]
    for (const page of [host, alice, bob]) await expectStatuses(page, ["host: connected", "alice: connected", "bob: connected"])
    await say(alice, "hello")
    for (const page of [host, alice, bob]) await expect.poll(() => page.locator('[data-chat-target="messages"]').innerText()).toContain("alice: hello")
    await say(host, "welcome all")
    for (const page of [host, alice, bob]) await expect.poll(() => page.locator('[data-chat-target="messages"]').innerText()).toContain("host: welcome all")
  })

  it("a client's tab closing shows it disconnected on the other pages within the heartbeat timeout", async () => {
    const [host, alice, bob] = [await join("host"), await join("alice"), await join("bob")]
    for (const page of [host, alice, bob]) await expectStatuses(page, ["host: connected", "alice: connected", "bob: connected"])
    await alice.close()
    for (const page of [host, bob]) await expectStatuses(page, ["host: connected", "alice: disconnected", "bob: connected"], 1000 + 1500)
  })

  it("connected clients drop their signaling socket; the host keeps it; keepCableConnection keeps it too", async () => {
    const before = await connections(serve)
    const pages = [await join("host"), await join("alice"), await join("bob")]
    for (const page of pages) await expectStatuses(page, ["host: connected", "alice: connected", "bob: connected"])
    await expect.poll(() => connections(serve)).toBe(before + 1)
    for (const page of pages) await page.close()
    await expect.poll(() => connections(serve)).toBe(before)

    room += 1
    const kept = [await join("host", "&keep=1"), await join("alice", "&keep=1"), await join("bob", "&keep=1")]
    for (const page of kept) await expectStatuses(page, ["host: connected", "alice: connected", "bob: connected"])
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(await connections(serve)).toBe(before + 3)
  })

  it("a client that reloads re-negotiates and chats again", async () => {
    const [host, alice, bob] = [await join("host"), await join("alice"), await join("bob")]
    for (const page of [host, alice, bob]) await expectStatuses(page, ["host: connected", "alice: connected", "bob: connected"])
    await alice.reload()
    await expectStatuses(alice, ["host: connected", "alice: connected", "bob: connected"])
    await say(alice, "back again")
    for (const page of [host, alice, bob]) await expect.poll(() => page.locator('[data-chat-target="messages"]').innerText()).toContain("alice: back again")
  })
})
