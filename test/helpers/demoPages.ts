import { afterAll, beforeAll, expect } from "vitest"
import { launchChromium, newContext } from "./browser.js"
import { startServe, type ServeProcess } from "./cli.js"
import { chromiumPage, type Engine, type EnginePage } from "./enginePage.js"
import { FirefoxWindows } from "./firefox.js"

export interface DemoPages {
  serve: ServeProcess
  /** Opens the demo room as `name` in `engine`; `alone`: in a Firefox of its own, so that it may crash. */
  open(engine: Engine, name: string, query: string, options?: { alone?: boolean }): Promise<EnginePage>
}

/** `serve --demo` (the CLI), a Chromium and a Firefox, for one describe block: the demo room as people of both browsers open it. */
export function useDemoPages(secret: string): DemoPages {
  const fixture = { firefox: new FirefoxWindows() } as DemoPages & { chromium: Awaited<ReturnType<typeof launchChromium>>; firefox: FirefoxWindows }
  beforeAll(async () => {
    fixture.serve = await startServe(["--demo"], { P2P_STREAMS_CHANNEL_SECRET: secret })
    fixture.chromium = await launchChromium()
  })
  afterAll(async () => {
    await fixture.chromium?.close()
    await fixture.firefox.close()
    await fixture.serve?.stop()
  })
  fixture.open = async (engine, name, query, { alone = false } = {}) => {
    const url = `${fixture.serve.baseUrl}/room_chat?name=${encodeURIComponent(name)}&${query}`
    if (engine === "chromium") {
      const page = await (await newContext(fixture.chromium, fixture.serve.baseUrl)).newPage()
      await page.goto(url)
      return chromiumPage(page)
    }
    return fixture.firefox.open(url, { alone, label: name })
  }
  return fixture
}

/** The `peer: state` lines of the demo page's status list, sorted. */
export function statuses(page: EnginePage): Promise<string[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll('[data-chat-target="status"] li'), (line) => (line.textContent ?? "").trim()).sort())
}

export async function expectStatuses(page: EnginePage, expected: string[], timeout = 15_000): Promise<void> {
  await expect.poll(() => statuses(page), { timeout }).toEqual([...expected].sort())
}

/** Types a line and clicks send, as a person would. */
export function say(page: EnginePage, text: string): Promise<void> {
  return page.evaluate((text) => {
    const input = document.querySelector<HTMLInputElement>('input[data-chat-target="message"]')!
    input.value = text
    input.dispatchEvent(new Event("input", { bubbles: true }))
    document.querySelector<HTMLInputElement>('input[data-action="chat#send"]')!.click()
  }, text)
}

export async function everyoneSees(pages: EnginePage[], line: string, timeout = 5000): Promise<void> {
  for (const page of pages) await expect.poll(() => page.evaluate(() => document.querySelector('[data-chat-target="messages"]')?.textContent ?? ""), { timeout }).toContain(line)
}

/** The host each page's `<p2p-frame>` is connected to (undefined while it is not connected). */
export function connectedHost(page: EnginePage): Promise<string | undefined> {
  return page.evaluate(() => {
    const frame = document.querySelector("p2p-frame") as unknown as { state: string; hostPeerId?: string } | null
    return frame?.state === "connected" ? frame.hostPeerId : undefined
  })
}

/** Waits until every page is connected to one new host other than `oldHost`; resolves with it and the time it took since `since`. */
export async function healed(pages: EnginePage[], oldHost: string, since: number, timeoutMs = 15_000): Promise<{ host: string; ms: number }> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const hosts = new Set(await Promise.all(pages.map(connectedHost)))
    const [host] = hosts
    if (hosts.size === 1 && host !== undefined && host !== oldHost) return { host, ms: Date.now() - since }
    if (Date.now() > deadline) throw new Error(`no common new host within ${timeoutMs} ms: ${[...hosts].join(", ")}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
