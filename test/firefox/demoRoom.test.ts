import { describe, expect, it } from "vitest"
import { summarize } from "../helpers/browser.js"
import { everyoneSees, expectStatuses, healed, say, useDemoPages } from "../helpers/demoPages.js"
import type { Engine, EnginePage } from "../helpers/enginePage.js"

const SECRET = "firefox-demo-secret-0123456789"
/** Long enough that a heal before it was told by the closing tab, not found by the heartbeat. */
const SLOW_HEARTBEAT = "interval_mls=500&idle_timeout_mls=5000"
const FAST_HEARTBEAT = "interval_mls=250&idle_timeout_mls=1000"

describe("the demo room with Firefox and Chromium people in it", () => {
  const demo = useDemoPages(SECRET)
  let room = 0

  /** A host of `hostEngine` and clients of both engines, all connected; the host may crash when `alone`. */
  async function session(hostEngine: Engine, heartbeat: string, alone = false): Promise<{ host: EnginePage; clients: EnginePage[]; names: string[] }> {
    room += 1
    const query = `room=ff-demo-${room}&${heartbeat}`
    const host = await demo.open(hostEngine, "host", query, { alone })
    await expectStatuses(host, ["host: connected"])
    const names = ["fox", "chrome", "fox2"]
    const clients = [await demo.open("firefox", "fox", query), await demo.open("chromium", "chrome", query), await demo.open("firefox", "fox2", query)]
    for (const page of [host, ...clients]) await expectStatuses(page, ["host", ...names].map((name) => `${name}: connected`))
    return { host, clients, names }
  }

  it("a Firefox host and clients of both engines chat through the form", async () => {
    const { host, clients } = await session("firefox", FAST_HEARTBEAT)
    await say(clients[1]!, "hello from chromium")
    await everyoneSees([host, ...clients], "chrome: hello from chromium")
    await say(host, "hello from firefox")
    await everyoneSees([host, ...clients], "host: hello from firefox")
  }, 90_000)

  for (const engine of ["firefox", "chromium"] as const) {
    it(`a ${engine} host's tab closes: the others, of both engines, are told and heal at once (well before the heartbeat would notice)`, async () => {
      const heals: number[] = []
      for (let run = 0; run < 2; run += 1) {
        const { host, clients, names } = await session(engine, SLOW_HEARTBEAT)
        const closedAt = Date.now()
        await host.close()
        const { host: next, ms } = await healed(clients, "host", closedAt)
        heals.push(ms)
        expect(names).toContain(next)
        expect(ms).toBeLessThan(5000)
        await say(clients[2]!, `after ${room}`)
        await everyoneSees(clients, `fox2: after ${room}`)
        for (const page of clients) await page.close()
      }
      console.log(summarize(`${engine} host tab closed, heal`, heals))
    }, 120_000)

    it(`a ${engine} host crashes: the others notice through the heartbeat and heal`, async () => {
      const { host, clients, names } = await session(engine, FAST_HEARTBEAT, true)
      const crashedAt = Date.now()
      await host.crash()
      const { host: next, ms } = await healed(clients, "host", crashedAt)
      console.log(`${engine} host crashed, heal: ${ms} ms`)
      expect(names).toContain(next)
      await say(clients[0]!, "still here")
      await everyoneSees(clients, "fox: still here")
      for (const page of clients) await page.close()
    }, 90_000)
  }
})
