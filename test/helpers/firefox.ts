import type { Browser } from "puppeteer-core"
import { launchFirefox } from "../../scripts/launch-firefox.mjs"
import { firefoxPage, type EnginePage } from "./enginePage.js"

export { launchFirefox }

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
