import type { Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { importmapTag, p2pFrameTag } from "../../src/server/index.js"
import { newContext } from "../helpers/browser.js"
import { startPageApp, type PageApp } from "../helpers/pageApp.js"

const SECRET = "frame-only-secret-0123456789"

// A page with only <p2p-frame> loads the module without Stimulus; a page that imports both names
// still has one <p2p-frame> class and one session class.
describe("pages without Stimulus", () => {
  let app: PageApp
  let browser: Browser
  let baseUrl: string

  beforeAll(async () => {
    app = await startPageApp(SECRET, (url, _request, response) => {
      const peerId = url.searchParams.get("peer") ?? "nobody"
      const frame = p2pFrameTag({ secret: SECRET, sessionId: "frame-only", peerId })
      const page =
        url.pathname === "/both"
          ? `<!doctype html><head>${importmapTag()}<script type="module">
import * as frameOnly from "p2p-streams-channel/frame"
import * as full from "p2p"
window.same = { frame: frameOnly.P2pFrameElement === full.P2pFrameElement && customElements.get("p2p-frame") === full.P2pFrameElement, session: frameOnly.P2pSession === full.P2pSession }
</script></head><body>${frame}</body>`
          : `<!doctype html><head>${importmapTag({ stimulus: false })}<script type="module">import "p2p-streams-channel/frame"</script></head><body>${frame}</body>`
      response.writeHead(200, { "content-type": "text/html" }).end(page)
    })
    ;({ baseUrl, browser } = app)
  })
  afterAll(async () => {
    await app?.close()
  })

  it("a frame-only page connects without fetching Stimulus", async () => {
    const context = await newContext(browser, baseUrl)
    const pages = [await context.newPage(), await context.newPage()]
    await pages[0]!.goto("/?peer=ann")
    await pages[1]!.goto("/?peer=ben")
    for (const page of pages) await page.waitForFunction(() => document.querySelector("p2p-frame")?.getAttribute("state") === "connected", null, { timeout: 15_000 })
    const fetched = await pages[1]!.evaluate(() => performance.getEntriesByType("resource").map((entry) => new URL(entry.name).pathname))
    expect(fetched).toContain("/p2p/bundle/frame.js")
    expect(fetched.filter((path) => /stimulus|bundle\/p2p\.js/.test(path))).toEqual([])
    await context.close()
  })

  it("importing both the frame module and the full one gives one <p2p-frame> class and one session class", async () => {
    const context = await newContext(browser, baseUrl)
    const page = await context.newPage()
    await page.goto("/both?peer=cat")
    await page.waitForFunction(() => (window as unknown as { same?: unknown }).same !== undefined)
    expect(await page.evaluate(() => (window as unknown as { same: unknown }).same)).toEqual({ frame: true, session: true })
    await context.close()
  })
})
