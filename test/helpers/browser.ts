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

/** What a page's `<p2p-frame>` says about itself. */
export interface FrameView {
  state: string
  hostPeerId: string | undefined
  iamHost: boolean
  /** When it last became `connected` (page clock, ms since the epoch). */
  connectedAt: number | undefined
}

/** Makes every page of the context remember when its frame became connected. */
export async function recordConnections(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const scope = window as unknown as { __p2pConnectedAt?: number }
    document.addEventListener("p2p:connected", () => (scope.__p2pConnectedAt = Date.now()))
  })
}

export function frameView(page: Page): Promise<FrameView> {
  return page.evaluate(() => {
    const frame = document.querySelector("p2p-frame") as unknown as { state: string; hostPeerId?: string; iamHost: boolean } | null
    const connectedAt = (window as unknown as { __p2pConnectedAt?: number }).__p2pConnectedAt
    return { state: frame?.state ?? "missing", hostPeerId: frame?.hostPeerId, iamHost: frame?.iamHost ?? false, connectedAt }
  })
}

/**
 * Waits until every page is connected to one common host other than `oldHost`, and returns that host
 * and how long after `since` the last page got there.
 */
export async function waitForNewHost(pages: Page[], oldHost: string, since: number, timeoutMs = 15_000): Promise<{ host: string; healMs: number }> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const views = await Promise.all(pages.map(frameView))
    const hosts = new Set(views.map((view) => view.hostPeerId))
    const [host] = hosts
    const healed = hosts.size === 1 && host !== undefined && host !== oldHost && views.every((view) => view.state === "connected" && (view.connectedAt ?? 0) >= since)
    if (healed) return { host, healMs: Math.max(...views.map((view) => view.connectedAt!)) - since }
    if (Date.now() > deadline) throw new Error(`no common new host within ${timeoutMs} ms: ${JSON.stringify(views)}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** Median and worst of some durations, for the test log. */
export function summarize(label: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b)
  const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN
  return `${label}: median ${Math.round(median)} ms, worst ${Math.round(sorted.at(-1) ?? NaN)} ms over ${values.length} runs (${sorted.map(Math.round).join(", ")})`
}
