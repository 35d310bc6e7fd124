import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createClientAssetHandler, importmapTag, SignalingServer, signJoinToken, silentLogger } from "../../src/server/index.js"
import { launchChromium, newContext } from "../helpers/browser.js"

const SECRET = "token-secret-0123456789abcdef"

describe("tokens that renew, in Chromium", () => {
  let signaling: SignalingServer
  let http: Server
  let baseUrl: string
  let browser: Browser
  const minted: string[] = []

  beforeAll(async () => {
    signaling = new SignalingServer({ secret: SECRET, logger: silentLogger })
    const assets = createClientAssetHandler()
    // An app: a page with a <p2p-frame>, and the tiny endpoint that mints a token for its user.
    http = createServer((request, response) => {
      if (assets(request, response) || signaling.handleHttp(request, response)) return
      const url = new URL(request.url ?? "/", "http://app.invalid")
      const peerId = url.searchParams.get("peer") ?? "nobody"
      if (url.pathname === "/token") {
        minted.push(peerId)
        return void response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: signJoinToken(SECRET, { sessionId: "tokens", peerId, expiresAt: Date.now() + 60_000 }) }))
      }
      const expired = signJoinToken(SECRET, { sessionId: "tokens", peerId, expiresAt: Date.now() - 1000 })
      const tokenUrl = url.searchParams.get("renew") ? ` token-url="/token?peer=${peerId}"` : ""
      response.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><head>${importmapTag()}
<script type="module">import "p2p"; window.errors = []; document.addEventListener("p2p:error", (e) => window.errors.push(e.detail.error.code))</script></head>
<body><p2p-frame session-id="tokens" peer-id="${peerId}" token="${expired}"${tokenUrl}></p2p-frame></body>`)
    })
    signaling.attach(http)
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve))
    baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await signaling.close()
    http.close()
  })

  const frameState = (page: Page) => page.evaluate(() => document.querySelector("p2p-frame")?.getAttribute("state"))

  it("with token-url, a frame whose token has expired fetches a fresh one and joins", async () => {
    const context = await newContext(browser, baseUrl)
    const page = await context.newPage()
    await page.goto("/?peer=renewing&renew=1")
    await expect.poll(() => frameState(page), { timeout: 10_000 }).toBe("connected")
    expect(minted).toContain("renewing")
    expect(await page.evaluate(() => (window as unknown as { errors: string[] }).errors)).toEqual([])
    await context.close()
  })

  it("without one, it says token_expired and stops; a new token attribute starts it again", async () => {
    const context = await newContext(browser, baseUrl)
    const page = await context.newPage()
    await page.goto("/?peer=stale")
    await expect.poll(() => page.evaluate(() => (window as unknown as { errors: string[] }).errors), { timeout: 10_000 }).toEqual(["token_expired"])
    await expect.poll(() => frameState(page)).toBe("closed")
    const fresh = signJoinToken(SECRET, { sessionId: "tokens", peerId: "stale", expiresAt: Date.now() + 60_000 })
    await page.evaluate((token) => document.querySelector("p2p-frame")!.setAttribute("token", token), fresh)
    await expect.poll(() => frameState(page), { timeout: 10_000 }).toBe("connected")
    await context.close()
  })
})
