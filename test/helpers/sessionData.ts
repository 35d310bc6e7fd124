import type { EnginePage as Page } from "./enginePage.js"

/** Sending data from a session page (test/helpers/sessionPages.ts) and reading what arrived. */

export type Received = { senderId: string; to?: string; kind: string; size: number; digest: string; json?: unknown }

/** What a page received, described: the type of `data`, its size and SHA-256 (binary), or the value (JSON). */
export function received(page: Page): Promise<Received[]> {
  return page.evaluate(async () => {
    const hex = async (bytes: ArrayBuffer | Uint8Array) =>
      Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource)), (b) => b.toString(16).padStart(2, "0")).join("")
    const list = (window as unknown as { received: { senderId: string; to?: string; data: unknown }[] }).received
    return Promise.all(list.map(async ({ senderId, to, data }) => {
      const base = { senderId, ...(to ? { to } : {}) }
      if (data instanceof ArrayBuffer) return { ...base, kind: "ArrayBuffer", size: data.byteLength, digest: await hex(data) }
      if (data instanceof Uint8Array) return { ...base, kind: "Uint8Array", size: data.byteLength, digest: await hex(data) }
      const text = JSON.stringify(data)
      return { ...base, kind: "json", size: text.length, digest: "", json: text.length < 200 ? data : undefined }
    }))
  })
}

export async function waitForCount(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => (window as unknown as { received: unknown[] }).received.length >= n, count, { timeout: 20_000 })
}

export function errors(page: Page): Promise<{ code: string; message: string }[]> {
  return page.evaluate(() => (window as unknown as { errors: { code: string; message: string }[] }).errors)
}

export function clear(pages: Page[]): Promise<unknown> {
  return Promise.all(pages.map((page) => page.evaluate(() => {
    ;(window as unknown as { received: unknown[] }).received.length = 0
    ;(window as unknown as { errors: unknown[] }).errors.length = 0
  })))
}

/** Sends from a page: `what` names data built in the page (deterministic bytes, so digests compare). */
export function send(page: Page, what: string, options: object = {}): Promise<boolean> {
  return page.evaluate(([what, options]) => {
    const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + (i >> 8)) & 255)
    const data: Record<string, () => unknown> = {
      arraybuffer: () => bytes(1000).buffer,
      uint8array: () => bytes(1000),
      int16array: () => new Int16Array(bytes(1000).buffer),
      dataview: () => new DataView(bytes(1000).buffer, 100, 500),
      blob: () => new Blob([bytes(1000)]),
      "big arraybuffer": () => bytes(3_000_000).buffer,
      "big uint8array view": () => bytes(2_000_100).subarray(100),
      "big blob": () => new Blob([bytes(1_500_000), bytes(1_500_000)]),
      "big json": () => ({ text: "é".repeat(400_000), list: Array.from({ length: 20_000 }, (_, i) => i) }),
      "small json": () => ({ hello: "world" }),
      empty: () => new ArrayBuffer(0),
    }
    return (window as unknown as { p2p: { send(data: unknown, options: object): boolean } }).p2p.send(data[what as string]!(), options as object)
  }, [what, options] as const)
}

const expectations = new Map<string, { kind: string; size: number; digest: string }>()

/** The digest the sender's bytes have (computed in Node from the same recipe, once). */
export async function expected(what: string): Promise<{ kind: string; size: number; digest: string }> {
  const known = expectations.get(what)
  if (known) return known
  const { createHash } = await import("node:crypto")
  const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + (i >> 8)) & 255)
  const shapes: Record<string, [string, Uint8Array]> = {
    arraybuffer: ["ArrayBuffer", bytes(1000)],
    uint8array: ["Uint8Array", bytes(1000)],
    int16array: ["Uint8Array", bytes(1000)],
    dataview: ["Uint8Array", bytes(1000).subarray(100, 600)],
    blob: ["ArrayBuffer", bytes(1000)],
    "big arraybuffer": ["ArrayBuffer", bytes(3_000_000)],
    "big uint8array view": ["Uint8Array", bytes(2_000_100).subarray(100)],
    "big blob": ["ArrayBuffer", Buffer.concat([bytes(1_500_000), bytes(1_500_000)])],
    empty: ["ArrayBuffer", new Uint8Array(0)],
  }
  const [kind, data] = shapes[what]!
  const result = { kind, size: data.byteLength, digest: createHash("sha256").update(data).digest("hex") }
  expectations.set(what, result)
  return result
}

