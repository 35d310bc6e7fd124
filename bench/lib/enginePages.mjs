// Bench pages in either browser engine, behind one small interface: Chromium through Playwright
// (the bench's own context), Firefox (Debian's firefox-esr) through Puppeteer over WebDriver BiDi,
// each page a window of its own (Firefox paints no video and throttles timers in a background tab).

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
