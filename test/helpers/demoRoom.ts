import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, expect } from "vitest"
import { launchChromium } from "./browser.js"
import { startServe, type ServeProcess } from "./cli.js"

/** `serve` (the CLI) and a Chromium, for one describe block. `serve` may be replaced (a restart). */
export function useDemoServer(secret: string): { serve: ServeProcess; browser: Browser } {
  const fixture = {} as { serve: ServeProcess; browser: Browser }
  beforeAll(async () => {
    fixture.serve = await startServe(["--demo"], { P2P_STREAMS_CHANNEL_SECRET: secret })
    fixture.browser = await launchChromium()
  })
  afterAll(async () => {
    await fixture.browser?.close()
    await fixture.serve?.stop()
  })
  return fixture
}

/** The `peer: state` lines of the demo page's status list, sorted. */
export async function statuses(page: Page): Promise<string[]> {
  return (await page.locator('[data-chat-target="status"] li').allInnerTexts()).map((line) => line.trim()).sort()
}

export async function expectStatuses(page: Page, expected: string[], timeout = 10_000): Promise<void> {
  await expect.poll(() => statuses(page), { timeout }).toEqual([...expected].sort())
}

/** Types a line and clicks send, as a person would. */
export async function say(page: Page, text: string): Promise<void> {
  await page.fill('input[data-chat-target="message"]', text)
  await page.click('input[data-action="chat#send"]')
}

export async function everyoneSees(pages: Page[], line: string, timeout = 5000): Promise<void> {
  for (const page of pages) await expect.poll(() => page.locator('[data-chat-target="messages"]').innerText(), { timeout }).toContain(line)
}

export async function healthz(serve: ServeProcess): Promise<{ connections: number; subscriptions: number }> {
  return (await fetch(`${serve.baseUrl}/healthz`)).json() as Promise<{ connections: number; subscriptions: number }>
}
