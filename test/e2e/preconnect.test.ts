import type { Browser, Page } from "playwright-core"
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

  it("the frame takes the socket its tag opened: one signaling socket per page, and the session works on it", async () => {
    const context = await newContext(browser, baseUrl)
    await context.addInitScript(COUNT_SOCKETS)
    const [ann, ben] = [await context.newPage(), await context.newPage()]
    await ann.goto("/?room=taken&peer=ann")
    await ben.goto("/?room=taken&peer=ben")
    await Promise.all([connected(ann), connected(ben)])
    expect(await sockets(ann)).toEqual([WebSocketState.OPEN])
    expect(await sockets(ben)).toEqual([WebSocketState.OPEN])
    await ann.evaluate(() => document.addEventListener("p2p:message", (event) => ((window as unknown as { got: unknown }).got = (event as CustomEvent).detail.message.data)))
    await ben.evaluate(() => document.querySelector("p2p-frame")!.send("hello over the early socket's session"))
    await ann.waitForFunction(() => (window as unknown as { got?: string }).got === "hello over the early socket's session")
    await context.close()
  })

  it("a frame inserted after its module loaded (a Turbo visit) opens its one socket itself; the script opens none", async () => {
    const context = await newContext(browser, baseUrl)
    await context.addInitScript(COUNT_SOCKETS)
    const [ann, ben] = [await context.newPage(), await context.newPage()]
    await ann.goto("/visit?room=visit&peer=ann")
    await ben.goto("/visit?room=visit&peer=ben")
    await Promise.all([connected(ann), connected(ben)])
    expect(await ben.evaluate(() => document.body.innerHTML)).toContain("p2pEarlySocket")
    expect(await sockets(ann)).toEqual([WebSocketState.OPEN])
    expect(await sockets(ben)).toEqual([WebSocketState.OPEN])
    await context.close()
  })

  for (const spoil of Object.keys(SPOIL)) {
    it(`a frame whose early socket is unusable (${spoil}) opens its own and connects; the early one ends closed`, async () => {
      const context = await newContext(browser, baseUrl)
      await context.addInitScript(COUNT_SOCKETS)
      const [ann, ben] = [await context.newPage(), await context.newPage()]
      await ann.goto(`/?room=${spoil}&peer=ann`)
      await ben.goto(`/?room=${spoil}&peer=ben&spoil=${spoil}`)
      await Promise.all([connected(ann), connected(ben)])
      await ben.waitForFunction(() => (window as unknown as { __sockets: WebSocket[] }).__sockets[0]!.readyState === WebSocket.CLOSED)
      expect(await sockets(ben)).toEqual([WebSocketState.CLOSED, WebSocketState.OPEN])
      await context.close()
    })
  }
})

const WebSocketState = { OPEN: 1, CLOSED: 3 } as const
