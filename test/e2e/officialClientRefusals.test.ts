import { readFileSync } from "node:fs"
import type { Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { launchChromium } from "../helpers/browser.js"
import { startServe, type ServeProcess } from "../helpers/cli.js"
import { EXPECTED_REFUSALS, refusalParams } from "../helpers/refusalParams.js"

const SECRET = "refusals-secret-0123456789"
// The scenario's source, run in the page with the official client the server serves.
const SCENARIO = readFileSync(new URL("../fixtures/official-client/refusalScenario.mjs", import.meta.url), "utf8").replace(/^export /m, "")

describe("every refusal path, met by the official @rails/actioncable client in Chromium", () => {
  let serve: ServeProcess
  let browser: Browser
  beforeAll(async () => {
    serve = await startServe([], { P2P_STREAMS_CHANNEL_SECRET: SECRET })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  it("reaches the page as callbacks, never as a page error", async () => {
    const page = await browser.newPage()
    const pageErrors: string[] = []
    page.on("pageerror", (error) => pageErrors.push(error.message))
    await page.goto(`${serve.baseUrl}/`)
    const cableUrl = serve.cableUrl
    // A string, not a function: the test runner would rewrite a function's dynamic import.
    const params = JSON.stringify(refusalParams(SECRET, "refusals-in-chromium"))
    const result = await page.evaluate(`(async () => {
      ${SCENARIO}
      const ActionCable = await import("/p2p/vendor/actioncable.js")
      return refusalScenario(ActionCable, ${JSON.stringify(serve.cableUrl)}, ${params})
    })()`)
    expect(pageErrors).toEqual([])
    expect(result).toEqual(EXPECTED_REFUSALS)
  })
})
