import type { Browser } from "puppeteer-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { importmapTag, signJoinToken } from "../../src/server/index.js"
import { launchFirefox } from "../helpers/firefox.js"
import { startPageApp, type PageApp } from "../helpers/pageApp.js"

const SECRET = "firefox-token-secret-0123456789"

describe("tokens in Firefox", () => {
  let app: PageApp
  let firefox: Browser
  const minted: string[] = []

  beforeAll(async () => {
    // A page whose <p2p-frame> carries an expired token, with or without a token-url to renew it.
    app = await startPageApp(SECRET, (url, _request, response) => {
      const peerId = url.searchParams.get("peer") ?? "nobody"
      if (url.pathname === "/token") {
        minted.push(peerId)
        return void response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: signJoinToken(SECRET, { sessionId: "ff-tokens", peerId, expiresAt: Date.now() + 60_000 }) }))
      }
      const expired = signJoinToken(SECRET, { sessionId: "ff-tokens", peerId, expiresAt: Date.now() - 1000 })
      const tokenUrl = url.searchParams.get("renew") ? ` token-url="/token?peer=${peerId}"` : ""
      response.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><head>${importmapTag()}
<script type="module">import "p2p"; window.errors = []; document.addEventListener("p2p:error", (e) => window.errors.push(e.detail.error.code))</script></head>
<body><p2p-frame session-id="ff-tokens" peer-id="${peerId}" token="${expired}"${tokenUrl}></p2p-frame></body>`)
    })
    firefox = await launchFirefox()
  })
  afterAll(async () => {
    await firefox?.close()
    await app?.close()
  })

  async function open(path: string) {
    const page = await firefox.newPage({ type: "window" })
    await page.goto(app.baseUrl + path)
    return page
  }

  it("with token-url, an expired token is renewed and the frame joins; without, token_expired, and a new token attribute joins", async () => {
    const renewing = await open("/?peer=renewing&renew=1")
    await expect.poll(() => renewing.evaluate(() => document.querySelector("p2p-frame")?.getAttribute("state")), { timeout: 10_000 }).toBe("connected")
    expect(minted).toContain("renewing")

    const stale = await open("/?peer=stale")
    await expect.poll(() => stale.evaluate(() => (window as unknown as { errors: string[] }).errors), { timeout: 10_000 }).toEqual(["token_expired"])
    const fresh = signJoinToken(SECRET, { sessionId: "ff-tokens", peerId: "stale", expiresAt: Date.now() + 60_000 })
    await stale.evaluate((token) => document.querySelector("p2p-frame")!.setAttribute("token", token), fresh)
    await expect.poll(() => stale.evaluate(() => document.querySelector("p2p-frame")?.getAttribute("state")), { timeout: 10_000 }).toBe("connected")
    // The two Firefox pages are one session: a host and a client.
    await expect.poll(() => stale.evaluate(() => (document.querySelector("p2p-frame") as unknown as { hostPeerId?: string }).hostPeerId)).toBe("renewing")
  }, 60_000)
})
