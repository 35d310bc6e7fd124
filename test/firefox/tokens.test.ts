import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { signJoinToken } from "../../src/server/index.js"
import { FirefoxWindows } from "../helpers/firefox.js"
import { startTokenApp } from "../helpers/tokenApp.js"

const SECRET = "firefox-token-secret-0123456789"

describe("tokens in Firefox", () => {
  let app: Awaited<ReturnType<typeof startTokenApp>>
  const firefox = new FirefoxWindows()

  beforeAll(async () => {
    app = await startTokenApp(SECRET, "ff-tokens")
  })
  afterAll(async () => {
    await firefox.close()
    await app?.close()
  })

  it("with token-url, an expired token is renewed and the frame joins; without, token_expired, and a new token attribute joins", async () => {
    const renewing = await firefox.open(`${app.baseUrl}/?peer=renewing&renew=1`)
    await expect.poll(() => renewing.evaluate(() => document.querySelector("p2p-frame")?.getAttribute("state")), { timeout: 10_000 }).toBe("connected")
    expect(app.minted).toContain("renewing")

    const stale = await firefox.open(`${app.baseUrl}/?peer=stale`)
    await expect.poll(() => stale.evaluate(() => (window as unknown as { errors: string[] }).errors), { timeout: 10_000 }).toEqual(["token_expired"])
    const fresh = signJoinToken(SECRET, { sessionId: "ff-tokens", peerId: "stale", expiresAt: Date.now() + 60_000 })
    await stale.evaluate((token) => document.querySelector("p2p-frame")!.setAttribute("token", token as string), fresh)
    await expect.poll(() => stale.evaluate(() => document.querySelector("p2p-frame")?.getAttribute("state")), { timeout: 10_000 }).toBe("connected")
    // The two Firefox pages are one session: a host and a client.
    await expect.poll(() => stale.evaluate(() => (document.querySelector("p2p-frame") as unknown as { hostPeerId?: string }).hostPeerId)).toBe("renewing")
  }, 60_000)
})
