import type { BrowserContext, Page } from "playwright-core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { joinDemo, newContext } from "../helpers/browser.js"
import { everyoneSees, expectStatuses, healthz, say, useDemoServer } from "../helpers/demoRoom.js"

const SECRET = "e2e-secret-0123456789abcdef"
const HEARTBEAT = "interval_mls=250&idle_timeout_mls=1000"

describe("the demo room in real Chromium", () => {
  const fixture = useDemoServer(SECRET)
  let context: BrowserContext
  let room = 0

  beforeEach(async () => {
    context = await newContext(fixture.browser, fixture.serve.baseUrl)
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
    await everyoneSees([host, alice, bob], "alice: hello")
    await say(host, "welcome all")
    await everyoneSees([host, alice, bob], "host: welcome all")
  })

  it("a client's tab closing shows it disconnected on the other pages within the heartbeat timeout", async () => {
    const [host, alice, bob] = [await join("host"), await join("alice"), await join("bob")]
    for (const page of [host, alice, bob]) await expectStatuses(page, ["host: connected", "alice: connected", "bob: connected"])
    await alice.close()
    for (const page of [host, bob]) await expectStatuses(page, ["host: connected", "alice: disconnected", "bob: connected"], 1000 + 1500)
  })

  it("connected clients drop their signaling socket; the host keeps it; keepCableConnection keeps it too", async () => {
    const before = (await healthz(fixture.serve)).connections
    const pages = [await join("host"), await join("alice"), await join("bob")]
    for (const page of pages) await expectStatuses(page, ["host: connected", "alice: connected", "bob: connected"])
    await expect.poll(async () => (await healthz(fixture.serve)).connections).toBe(before + 1)
    for (const page of pages) await page.close()
    await expect.poll(async () => (await healthz(fixture.serve)).connections).toBe(before)

    room += 1
    const kept = [await join("host", "&keep=1"), await join("alice", "&keep=1"), await join("bob", "&keep=1")]
    for (const page of kept) await expectStatuses(page, ["host: connected", "alice: connected", "bob: connected"])
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect((await healthz(fixture.serve)).connections).toBe(before + 3)
  })

  it("a client that reloads re-negotiates and chats again", async () => {
    const [host, alice, bob] = [await join("host"), await join("alice"), await join("bob")]
    for (const page of [host, alice, bob]) await expectStatuses(page, ["host: connected", "alice: connected", "bob: connected"])
    await alice.reload()
    await expectStatuses(alice, ["host: connected", "alice: connected", "bob: connected"])
    await say(alice, "back again")
    await everyoneSees([host, alice, bob], "alice: back again")
  })
})
