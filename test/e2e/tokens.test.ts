import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { signJoinToken } from "../../src/server/index.js"
import { newContext } from "../helpers/browser.js"
import { startTokenApp } from "../helpers/tokenApp.js"

const SECRET = "token-secret-0123456789abcdef"

describe("tokens that renew, in Chromium", () => {
  let app: Awaited<ReturnType<typeof startTokenApp>>
  let baseUrl: string
  let browser: Browser
  let minted: string[]

  beforeAll(async () => {
    app = await startTokenApp(SECRET, "tokens")
    ;({ baseUrl, browser, minted } = app)
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
