import type { EnginePage as Page } from "./enginePage.js"

/** Sending files from a session page (test/helpers/sessionPages.ts) and reading what arrived. */

export type FileRecord = { id: string; senderId: string; name: string; size: number; type: string; metadata: unknown; progress: number[]; end: { status: string; reason?: string } | null; digest: string | null; blobError: string | null; blobType?: string }
export type SentRecord = { id: string; digest: string; progress: number[]; end: { status: string; reason?: string } | null; done: string | null }

export const files = (page: Page) => page.evaluate(() => (window as unknown as { files: FileRecord[] }).files)
export const sent = (page: Page, id: string) => page.evaluate((id) => (window as unknown as { sent: Record<string, SentRecord> }).sent[id]!, id)
export const sendFile = (page: Page, size: number, options: object = {}) =>
  page.evaluate(([size, options]) => (window as unknown as { sendTestFile(size: number, options: object): Promise<string> }).sendTestFile(size as number, options as object), [size, options] as const)

export function increasing(list: number[]): boolean {
  return list.every((value, i) => i === 0 || value > list[i - 1]!)
}

export async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeout = 60_000): Promise<T> {
  const deadline = Date.now() + timeout
  for (;;) {
    const value = await read()
    if (ok(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(value)?.slice(0, 500)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

