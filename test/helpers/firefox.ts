import puppeteer, { type Browser } from "puppeteer-core"
import { firefoxPage, type EnginePage } from "./enginePage.js"

/**
 * Debian's Firefox ESR, headless, driven over WebDriver BiDi, set up for WebRTC in the tests'
 * network namespace: real host addresses in candidates (not mDNS names), and a fake camera and
 * microphone that need no permission prompt. Firefox gathers candidates only on the interface of
 * the default route, which scripts/netns.sh provides.
 */
export function launchFirefox(): Promise<Browser> {
  return puppeteer.launch({
    browser: "firefox",
    executablePath: process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr",
    headless: true,
    extraPrefsFirefox: {
      "media.peerconnection.ice.obfuscate_host_addresses": false,
      "media.navigator.streams.fake": true,
      "media.navigator.permission.disabled": true,
      // Take a Chromium peer's loopback candidate (Chromium here sometimes offers no other; see docs/benchmarks.md).
      "media.peerconnection.ice.loopback": true,
      // No update checks, telemetry or captive-portal probes: the namespace has no network.
      "app.update.enabled": false,
      "network.captive-portal-service.enabled": false,
      "toolkit.telemetry.enabled": false,
    },
  })
}

/**
 * The Firefox windows of one describe block: pages share one browser, or one opened `alone` gets a
 * browser of its own, so that crashing it kills nothing else. Each page is a window, as another
 * person's screen: Firefox paints no video in a background tab.
 */
export class FirefoxWindows {
  private shared: Promise<Browser> | undefined
  private readonly own: Browser[] = []

  async open(url: string, { alone = false, label = "firefox" }: { alone?: boolean; label?: string } = {}): Promise<EnginePage> {
    const browser = alone ? await launchFirefox() : await (this.shared ??= launchFirefox())
    if (alone) this.own.push(browser)
    const page = await browser.newPage({ type: "window" })
    page.on("pageerror", (error) => console.error(`[${label}] page error: ${error instanceof Error ? error.message : String(error)}`))
    await page.goto(url)
    return firefoxPage(page, alone ? browser : undefined)
  }

  async close(): Promise<void> {
    await (await this.shared)?.close()
    await Promise.all(this.own.map((browser) => browser.close().catch(() => {})))
  }
}
