import type { Page as ChromiumPage } from "playwright-core"
import type { Browser as FirefoxBrowser, Page as FirefoxPage } from "puppeteer-core"

/** The browser engines the suites run: Chromium (driven by Playwright) and Firefox (by Puppeteer over WebDriver BiDi). */
export type Engine = "chromium" | "firefox"

/**
 * A page of either engine, as the tests drive it: run a function in it, wait for one to be true,
 * close its tab, or crash it. The two drivers differ in argument order and in how a page dies.
 */
export interface EnginePage {
  readonly engine: Engine
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>
  waitForFunction<A>(fn: (arg: A) => unknown, arg: A, options?: { timeout?: number }): Promise<void>
  /** Closes the tab, as a person does (the page may say goodbye). */
  close(): Promise<void>
  /** Kills the page's renderer without a word (Chromium: the tab's renderer; Firefox: the whole browser, which must hold this page alone). */
  crash(): Promise<void>
  /** The Playwright page behind a Chromium page, for what only Chromium's DevTools can do. */
  readonly chromium?: ChromiumPage
}

export function chromiumPage(page: ChromiumPage): EnginePage {
  return {
    engine: "chromium",
    chromium: page,
    evaluate: (fn, arg) => page.evaluate(fn as (arg: unknown) => never, arg),
    waitForFunction: async (fn, arg, options) => void (await page.waitForFunction(fn as (arg: unknown) => unknown, arg, { timeout: options?.timeout ?? 15_000 })),
    close: () => page.close(),
    async crash() {
      const devtools = await page.context().newCDPSession(page)
      void devtools.send("Page.crash").catch(() => {})
    },
  }
}

/** A Firefox page; `owner` is the browser to kill when it crashes (given only when the page is alone in it). */
export function firefoxPage(page: FirefoxPage, owner?: FirefoxBrowser): EnginePage {
  return {
    engine: "firefox",
    evaluate: (fn, arg) => page.evaluate(fn as (arg: unknown) => never, arg),
    waitForFunction: async (fn, arg, options) => void (await page.waitForFunction(fn as (arg: unknown) => unknown, { timeout: options?.timeout ?? 15_000, polling: 50 }, arg)),
    close: () => page.close({ runBeforeUnload: false }),
    async crash() {
      if (!owner) throw new Error("a Firefox page crashes only in a browser of its own (open it with { alone: true })")
      owner.process()?.kill("SIGKILL")
    },
  }
}
