import type { Browser, BrowserContext, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { importmapTag, p2pFrameTag } from "../../src/server/index.js"
import { newContext } from "../helpers/browser.js"
import { startPageApp, type PageApp } from "../helpers/pageApp.js"

const SECRET = "preconnect-secret-0123456789"

// Every WebSocket a page opens, whoever opens it: the tag's script or the library.
const COUNT_SOCKETS = `
  window.__sockets = []
  window.WebSocket = class extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols)
      window.__sockets.push(this)
    }
  }
`

// After the tag, a page may spoil the early socket: close it, or claim it was opened elsewhere.
const SPOIL: Record<string, string> = {
  closed: `document.querySelector("p2p-frame").p2pEarlySocket.socket.close()`,
  elsewhere: `document.querySelector("p2p-frame").p2pEarlySocket.url = "ws://127.0.0.1:9/cable"`,
}

describe("the preconnect script of p2pFrameTag", () => {
  let app: PageApp
  let browser: Browser
  let baseUrl: string

  beforeAll(async () => {
    app = await startPageApp(SECRET, (url, _request, response) => {
      const peerId = url.searchParams.get("peer") ?? "nobody"
      const spoil = SPOIL[url.searchParams.get("spoil") ?? ""]
      const frame = p2pFrameTag({ secret: SECRET, sessionId: url.searchParams.get("room") ?? "room", peerId, config: { keepCableConnection: true } })
      const page =
        url.pathname === "/visit"
          ? // As a Turbo visit does: the module is loaded, then the frame is inserted and its script run.
            `<!doctype html><head>${importmapTag({ stimulus: false })}<script type="module">
await import("p2p-streams-channel/frame")
const template = document.createElement("template")
template.innerHTML = ${JSON.stringify(frame).replace(/</g, "\\u003c")}
document.body.append(template.content)
for (const inert of document.body.querySelectorAll("script")) {
  const script = document.createElement("script")
  script.textContent = inert.textContent
  inert.replaceWith(script)
}
</script></head><body></body>`
          : url.pathname === "/gone"
            ? // The frame leaves the page in the same task as it starts: its session stops at once.
              `<!doctype html><head>${importmapTag({ stimulus: false })}<script type="module">import "p2p-streams-channel/frame"; document.querySelector("p2p-frame").remove()</script></head>
<body>${frame}</body>`
          : `<!doctype html><head>${importmapTag({ stimulus: false })}<script type="module">import "p2p-streams-channel/frame"</script></head>
<body>${frame}${spoil ? `<script>${spoil}</script>` : ""}</body>`
      response.writeHead(200, { "content-type": "text/html" }).end(page)
    })
    ;({ baseUrl, browser } = app)
  })
  afterAll(async () => {
    await app?.close()
  })

  const connected = (page: Page) => page.waitForFunction(() => document.querySelector("p2p-frame")?.getAttribute("state") === "connected", null, { timeout: 15_000 })
  const sockets = (page: Page) => page.evaluate(() => (window as unknown as { __sockets: WebSocket[] }).__sockets.map((socket) => socket.readyState))
  const firstSocketClosed = (page: Page, timeout: number) =>
    page.waitForFunction(() => (window as unknown as { __sockets: WebSocket[] }).__sockets[0]?.readyState === WebSocket.CLOSED, null, { timeout })

  /** A context counting every page's sockets, and a page open at each path, in order. */
  async function pagesAt(...paths: string[]): Promise<{ context: BrowserContext; pages: Page[] }> {
    const context = await newContext(browser, baseUrl)
    await context.addInitScript(COUNT_SOCKETS)
    const pages: Page[] = []
    for (const path of paths) {
      const page = await context.newPage()
      await page.goto(path)
      pages.push(page)
    }
    return { context, pages }
  }

  it("the frame takes the socket its tag opened: one signaling socket per page, and the session works on it", async () => {
    const { context, pages } = await pagesAt("/?room=taken&peer=ann", "/?room=taken&peer=ben")
    const [ann, ben] = pages as [Page, Page]
    await Promise.all(pages.map(connected))
    for (const page of pages) expect(await sockets(page)).toEqual([WebSocketState.OPEN])
    await ann.evaluate(() => document.addEventListener("p2p:message", (event) => ((window as unknown as { got: unknown }).got = (event as CustomEvent).detail.message.data)))
    await ben.evaluate(() => document.querySelector("p2p-frame")!.send("hello over the early socket's session"))
    await ann.waitForFunction(() => (window as unknown as { got?: string }).got === "hello over the early socket's session")
    await context.close()
  })

  it("a frame inserted after its module loaded (a Turbo visit) opens its one socket itself; the script opens none", async () => {
    const { context, pages } = await pagesAt("/visit?room=visit&peer=ann", "/visit?room=visit&peer=ben")
    await Promise.all(pages.map(connected))
    expect(await pages[1]!.evaluate(() => document.body.innerHTML)).toContain("p2pEarlySocket")
    for (const page of pages) expect(await sockets(page)).toEqual([WebSocketState.OPEN])
    await context.close()
  })

  it("a frame that leaves the page as it starts closes the socket it took", async () => {
    const { context, pages } = await pagesAt("/gone?room=gone&peer=ann")
    // Within 3 s: long before the server drops a socket that never subscribes (10 s).
    await firstSocketClosed(pages[0]!, 3000)
    expect(await sockets(pages[0]!)).toEqual([WebSocketState.CLOSED])
    await context.close()
  })

  for (const spoil of Object.keys(SPOIL)) {
    it(`a frame whose early socket is unusable (${spoil}) opens its own and connects; the early one ends closed`, async () => {
      const { context, pages } = await pagesAt(`/?room=${spoil}&peer=ann`, `/?room=${spoil}&peer=ben&spoil=${spoil}`)
      await Promise.all(pages.map(connected))
      await firstSocketClosed(pages[1]!, 3000)
      expect(await sockets(pages[1]!)).toEqual([WebSocketState.CLOSED, WebSocketState.OPEN])
      await context.close()
    })
  }
})

const WebSocketState = { OPEN: 1, CLOSED: 3 } as const
