import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { importmapTag, signJoinToken } from "../../src/server/index.js"
import { newContext } from "../helpers/browser.js"
import { startPageApp, type PageApp } from "../helpers/pageApp.js"

const SECRET = "token-secret-0123456789abcdef"

describe("tokens that renew, in Chromium", () => {
  let app: PageApp
  let baseUrl: string
  let browser: Browser
  const minted: string[] = []

  beforeAll(async () => {
    // An app: a page with a <p2p-frame>, and the tiny endpoint that mints a token for its user.
    app = await startPageApp(SECRET, (url, _request, response) => {
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
    ;({ baseUrl, browser } = app)
  })
  afterAll(async () => {
    await app?.close()
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
