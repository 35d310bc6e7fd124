import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core"

/** Debian's Chromium, headless, set up so WebRTC gathers loopback candidates. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--allow-loopback-in-peer-connection",
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      "--disable-features=WebRtcHideLocalIpsWithMdns",
    ],
  })
}

/** A browser context whose pages may use WebRTC on loopback. */
export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL })
  await context.grantPermissions(["camera", "microphone"])
  return context
}

/** Opens the demo room as `name`: the index form, then the room page, as a person would. */
export async function joinDemo(context: BrowserContext, name: string, query = ""): Promise<Page> {
  const page = await context.newPage()
  page.on("pageerror", (error) => console.error(`[${name}] page error: ${error.message}`))
  if (query) {
    await page.goto(`/room_chat?name=${encodeURIComponent(name)}&${query}`)
  } else {
    await page.goto("/")
    await page.fill('input[placeholder="name"]', name)
    await page.click('input[type="submit"]')
  }
  await page.waitForSelector('[data-chat-target="status"]')
  return page
}
