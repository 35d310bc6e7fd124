// Bench pages in either browser engine, behind one small interface: Chromium through Playwright
// (the bench's own context), Firefox (Debian's firefox-esr) through Puppeteer over WebDriver BiDi,
// each page a window of its own (Firefox paints no video and throttles timers in a background tab).
import puppeteer from "puppeteer-core"

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr"

/** Debian's Firefox ESR, headless, with real host addresses in its ICE candidates and fake media. */
export function launchBenchFirefox() {
  return puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: {
      "media.peerconnection.ice.obfuscate_host_addresses": false,
      "media.navigator.streams.fake": true,
      "media.navigator.permission.disabled": true,
      // Take a Chromium peer's loopback candidate (Chromium here sometimes offers no other; see docs/benchmarks.md).
      "media.peerconnection.ice.loopback": true,
      "app.update.enabled": false,
      "network.captive-portal-service.enabled": false,
      "toolkit.telemetry.enabled": false,
    },
  })
}

/**
 * `open(engine)` makes a blank page of that engine: `{ goto(url), waitFor(fn, arg), evaluate(fn, arg), close() }`.
 * `chromiumContext` is a Playwright context, `firefox` a Puppeteer browser.
 */
export function enginePages({ chromiumContext, firefox }) {
  return async function open(engine) {
    if (engine === "chromium") {
      const page = await chromiumContext.newPage()
      return {
        goto: (url) => page.goto(url),
        waitFor: (fn, arg) => page.waitForFunction(fn, arg, { timeout: 60_000 }),
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        close: () => page.close().catch(() => {}),
      }
    }
    const page = await firefox.newPage({ type: "window" })
    return {
      goto: (url) => page.goto(url),
      waitFor: (fn, arg) => page.waitForFunction(fn, { timeout: 60_000, polling: 10 }, arg),
      evaluate: (fn, arg) => page.evaluate(fn, arg),
      close: () => page.close().catch(() => {}),
    }
  }
}
