import { describe, expect, it } from "vitest"
import type { Engine, EnginePage } from "../helpers/enginePage.js"
import { keepsPlaying, publish, publishAt, remote, showing, unpublish } from "../helpers/sessionMedia.js"
import { allConnected, useSessionPages } from "../helpers/sessionPages.js"

const errorsOf = (page: EnginePage) => page.evaluate(() => (window as unknown as { errors: unknown[] }).errors)

describe("media through the host, Firefox and Chromium in one session", () => {
  const pages = useSessionPages()
  let room = 0
  // The default heartbeat (1 s, idle after 3 s): with the quick one the healing tests use (idle after
  // 1 s), a Firefox host encoding a camera for several clients on this machine's two cores missed
  // heartbeats long enough that links were ended and joined again, and streams left and came back.
  const config = {}

  /** A star whose peers open in the given engines, in order (the first is the host). */
  async function star(peers: Array<[string, Engine]>): Promise<EnginePage[]> {
    room += 1
    const list: EnginePage[] = []
    for (const [name, engine] of peers) list.push(await pages.open(`ff-media-${room}`, name, config, { engine }))
    await allConnected(list, peers.map(([name]) => name))
    return list
  }
  const join = (name: string, engine: Engine) => pages.open(`ff-media-${room}`, name, config, { engine })

  it("Chromium host: a camera from Firefox plays in Chromium and the host's in Firefox; a late Firefox joiner gets both; unpublish and publish again renegotiate", async () => {
    const [host, fox, chrome] = await star([["host", "chromium"], ["fox", "firefox"], ["chrome", "chromium"]])
    await publish(host!, "cam")
    await publish(fox!, "cam")
    await expect.poll(() => showing(fox!), { timeout: 20_000 }).toEqual(["host/cam"])
    await expect.poll(() => showing(chrome!), { timeout: 20_000 }).toEqual(["fox/cam", "host/cam"])
    await keepsPlaying(fox!, "host/cam")
    await keepsPlaying(chrome!, "fox/cam")
    await keepsPlaying(host!, "fox/cam")

    const late = await join("late", "firefox")
    await expect.poll(() => showing(late), { timeout: 20_000 }).toEqual(["fox/cam", "host/cam"])
    await keepsPlaying(late, "fox/cam")
    await keepsPlaying(late, "host/cam")

    await unpublish(fox!, "cam")
    for (const page of [host!, chrome!, late]) await expect.poll(() => showing(page), { timeout: 10_000 }).not.toContain("fox/cam")
    await publish(fox!, "again")
    for (const page of [host!, chrome!, late]) await expect.poll(() => showing(page), { timeout: 20_000 }).toContain("fox/again")
    await keepsPlaying(chrome!, "fox/again")
    await keepsPlaying(late, "fox/again")
    await keepsPlaying(fox!, "host/cam")
  }, 180_000)

  it("Firefox host: the host and two clients of both engines publish at the same moment; every camera plays on every other page", async () => {
    const [host, chrome, fox, chrome2] = await star([["host", "firefox"], ["chrome", "chromium"], ["fox", "firefox"], ["chrome2", "chromium"]])
    // Offers cross here: the host forwards each camera to the other clients while they offer their own.
    await Promise.all([publish(chrome!, "cam"), publish(fox!, "cam"), publish(host!, "cam")])
    const all = ["chrome/cam", "fox/cam", "host/cam"]
    for (const [page, name] of [[host!, "host"], [chrome!, "chrome"], [fox!, "fox"], [chrome2!, "chrome2"]] as const) {
      await expect.poll(() => showing(page), { timeout: 20_000 }).toEqual(all.filter((key) => !key.startsWith(`${name}/`)))
    }
    await keepsPlaying(host!, "chrome/cam")
    await keepsPlaying(fox!, "chrome/cam")
    await keepsPlaying(chrome!, "fox/cam")
    await keepsPlaying(chrome2!, "fox/cam")
    await keepsPlaying(chrome2!, "host/cam")

    expect((await remote(chrome2!)).map((entry) => entry.kinds)).toEqual([["audio", "video"], ["audio", "video"], ["audio", "video"]])
  }, 180_000)

  it("a Chromium client and the Firefox host publish at the same instant (their offers would cross): both cameras play on both", async () => {
    for (let run = 0; run < 2; run += 1) {
      const [host, chrome] = await star([["host", "firefox"], ["chrome", "chromium"]])
      const at = Date.now() + 1500
      await Promise.all([publishAt(host!, "cam", at), publishAt(chrome!, "cam", at)])
      await expect.poll(() => showing(host!), { timeout: 20_000 }).toEqual(["chrome/cam"])
      await expect.poll(() => showing(chrome!), { timeout: 20_000 }).toEqual(["host/cam"])
      await keepsPlaying(host!, "chrome/cam", 1000)
      await keepsPlaying(chrome!, "host/cam", 1000)
      expect(await errorsOf(chrome!)).toEqual([])
      for (const page of [host!, chrome!]) await page.close()
    }
  }, 120_000)

  it("Firefox alone: a client's camera keeps playing on the host and on another client", async () => {
    const [host, fox1, fox2] = await star([["host", "firefox"], ["fox1", "firefox"], ["fox2", "firefox"]])
    await publish(fox1!, "cam")
    await expect.poll(() => showing(fox2!), { timeout: 20_000 }).toEqual(["fox1/cam"])
    await keepsPlaying(fox2!, "fox1/cam")
    await keepsPlaying(host!, "fox1/cam")
  }, 120_000)
})
