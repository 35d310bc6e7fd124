import type { BrowserContext, Page } from "playwright-core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { frameView, joinDemo, newContext, recordConnections, summarize, waitForNewHost } from "../helpers/browser.js"
import { everyoneSees, say, statuses, useDemoServer } from "../helpers/demoRoom.js"

const SECRET = "healing-secret-0123456789"
const IDLE_TIMEOUT = 1000
const HEARTBEAT = `interval_mls=250&idle_timeout_mls=${IDLE_TIMEOUT}`
const RUNS = 3

describe("sessions heal themselves in real Chromium", () => {
  const fixture = useDemoServer(SECRET)
  let context: BrowserContext
  let room = 0

  beforeEach(async () => {
    context = await newContext(fixture.browser, fixture.serve.baseUrl)
    await recordConnections(context)
  })
  afterEach(async () => {
    await context.close()
  })

  /** A host and three clients, all connected. */
  async function session(): Promise<{ host: Page; clients: Page[]; names: string[] }> {
    room += 1
    const query = `room=heal-${room}&${HEARTBEAT}`
    const host = await joinDemo(context, "host", query)
    const names = ["alice", "bob", "carol"]
    const clients: Page[] = []
    for (const name of names) clients.push(await joinDemo(context, name, query))
    const all = ["host: connected", ...names.map((name) => `${name}: connected`)].sort()
    for (const page of [host, ...clients]) await expect.poll(() => statuses(page), { timeout: 10_000 }).toEqual(all)
    return { host, clients, names }
  }

  async function expectHealedAndChatting(clients: Page[], names: string[], newHost: string): Promise<void> {
    expect(names).toContain(newHost)
    const views = await Promise.all(clients.map(frameView))
    expect(views.filter((view) => view.iamHost)).toHaveLength(1)
    const expected = names.map((name) => `${name}: connected`).sort()
    for (const page of clients) await expect.poll(() => statuses(page), { timeout: 5000 }).toEqual(expected)
    await say(clients[2]!, `after failover ${room}`)
    await everyoneSees(clients, `carol: after failover ${room}`)
  }

  it("host tab closed: the first client back becomes host, the others connect to it, chat goes on", async () => {
    const heals: number[] = []
    for (let run = 0; run < RUNS; run += 1) {
      const { host, clients, names } = await session()
      const closedAt = Date.now()
      await host.close()
      const { host: newHost, healMs } = await waitForNewHost(clients, "host", closedAt)
      heals.push(healMs)
      await expectHealedAndChatting(clients, names, newHost)
      for (const page of clients) await page.close()
    }
    console.log(summarize("heal after host tab closed", heals))
  })

  it("host renderer crashed: clients notice through the heartbeat and heal the same way", async () => {
    const heals: number[] = []
    for (let run = 0; run < RUNS; run += 1) {
      const { host, clients, names } = await session()
      const cdp = await context.newCDPSession(host)
      const crashedAt = Date.now()
      void cdp.send("Page.crash").catch(() => {})
      const { host: newHost, healMs } = await waitForNewHost(clients, "host", crashedAt)
      heals.push(healMs)
      await expectHealedAndChatting(clients, names, newHost)
      for (const page of clients) await page.close()
    }
    console.log(summarize(`heal after host crash (idle_timeout_mls ${IDLE_TIMEOUT})`, heals))
  })

  it("a client that crashes is shown disconnected on time, and comes back when reloaded", async () => {
    const { host, clients } = await session()
    const [alice, bob] = clients as [Page, Page, Page]
    const cdp = await context.newCDPSession(bob)
    void cdp.send("Page.crash").catch(() => {})
    await expect.poll(() => statuses(host), { timeout: IDLE_TIMEOUT + 1500 }).toContain("bob: disconnected")
    await expect.poll(() => statuses(alice), { timeout: 1000 }).toContain("bob: disconnected")
    const again = await joinDemo(context, "bob", `room=heal-${room}&${HEARTBEAT}`)
    await expect.poll(() => statuses(host), { timeout: 10_000 }).toContain("bob: connected")
    await say(again, "bob is back")
    await everyoneSees([host, alice, again], "bob: bob is back")
  })
})
