import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { allConnected, useSessionPages } from "../helpers/sessionPages.js"

type Received = { senderId: string; to?: string; kind: string; size: number; digest: string; json?: unknown }

/** What a page received, described: the type of `data`, its size and SHA-256 (binary), or the value (JSON). */
function received(page: Page): Promise<Received[]> {
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

async function waitForCount(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => (window as unknown as { received: unknown[] }).received.length >= n, count, { timeout: 20_000 })
}

function errors(page: Page): Promise<{ code: string; message: string }[]> {
  return page.evaluate(() => (window as unknown as { errors: { code: string; message: string }[] }).errors)
}

function clear(pages: Page[]): Promise<unknown> {
  return Promise.all(pages.map((page) => page.evaluate(() => {
    ;(window as unknown as { received: unknown[] }).received.length = 0
    ;(window as unknown as { errors: unknown[] }).errors.length = 0
  })))
}

/** Sends from a page: `what` names data built in the page (deterministic bytes, so digests compare). */
function send(page: Page, what: string, options: object = {}): Promise<boolean> {
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
async function expected(what: string): Promise<{ kind: string; size: number; digest: string }> {
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

describe("data of every kind and size through the host, in Chromium", () => {
  const pages = useSessionPages()
  let room = 0

  async function star(config: Record<string, object> = {}): Promise<Record<"ann" | "ben" | "cat", Page>> {
    room += 1
    const ann = await pages.open(`data-${room}`, "ann", config.ann)
    const ben = await pages.open(`data-${room}`, "ben", config.ben)
    const cat = await pages.open(`data-${room}`, "cat", config.cat)
    await allConnected([ann, ben, cat], ["ann", "ben", "cat"])
    return { ann, ben, cat }
  }

  it("binary of every type, small and large, and large JSON, reach every peer (the sender too) as documented, intact", async () => {
    const { ann, ben, cat } = await star()
    const kinds = ["arraybuffer", "uint8array", "int16array", "dataview", "blob", "empty", "big arraybuffer", "big uint8array view", "big blob"]
    for (const [sender, page] of [["ben", ben], ["ann", ann]] as const) {
      await clear([ann, ben, cat])
      for (const what of kinds) expect(await send(page, what), what).toBe(true)
      expect(await send(page, "big json")).toBe(true)
      for (const receiver of [ann, ben, cat]) {
        await waitForCount(receiver, kinds.length + 1)
        const got = await received(receiver)
        const binary = got.filter((message) => message.kind !== "json")
        // Messages of one frame arrive in order; larger ones (streams) when complete.
        expect(binary.map(({ kind, size, digest }) => ({ kind, size, digest })).sort((a, b) => a.size - b.size || a.kind.localeCompare(b.kind)))
          .toEqual((await Promise.all(kinds.map(expected))).sort((a, b) => a.size - b.size || a.kind.localeCompare(b.kind)))
        expect(got.every((message) => message.senderId === sender)).toBe(true)
        const json = got.filter((message) => message.kind === "json")
        expect(json).toHaveLength(1)
        expect(json[0]!.size).toBe(JSON.stringify({ text: "é".repeat(400_000), list: Array.from({ length: 20_000 }, (_, i) => i) }).length)
      }
      expect(await errors(page)).toEqual([])
    }
  }, 60_000)

  it("a message with `to` reaches that peer alone, small or large, from a client or from the host; an unknown `to` is an error", async () => {
    const { ann, ben, cat } = await star()
    expect(await send(ben, "small json", { to: "cat" })).toBe(true)
    expect(await send(ben, "big arraybuffer", { to: "cat" })).toBe(true)
    expect(await send(ben, "uint8array", { to: "ann" })).toBe(true)
    expect(await send(ann, "blob", { to: "ben" })).toBe(true)
    await waitForCount(cat, 2)
    await waitForCount(ann, 1)
    await waitForCount(ben, 1)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect((await received(cat)).map(({ senderId, to, kind, size }) => ({ senderId, to, kind, size })).sort((a, b) => a.size - b.size))
      .toEqual([{ senderId: "ben", to: "cat", kind: "json", size: 17 }, { senderId: "ben", to: "cat", kind: "ArrayBuffer", size: 3_000_000 }])
    expect((await received(ann)).map(({ senderId, to, kind }) => ({ senderId, to, kind }))).toEqual([{ senderId: "ben", to: "ann", kind: "Uint8Array" }])
    expect((await received(ben)).map(({ senderId, to, kind }) => ({ senderId, to, kind }))).toEqual([{ senderId: "ann", to: "ben", kind: "ArrayBuffer" }])

    expect(await send(ben, "small json", { to: "nobody" })).toBe(true)
    await expect.poll(() => errors(ben)).toEqual([expect.objectContaining({ code: "peer_not_found" })])
    expect(await send(ann, "small json", { to: "nobody" })).toBe(false)
    expect(await errors(ann)).toEqual([expect.objectContaining({ code: "peer_not_found" })])
  }, 60_000)

  it("the real-time lane carries small messages to everyone; one too large for it is refused with a reason", async () => {
    const { ann, ben, cat } = await star()
    expect(await send(cat, "small json", { reliable: false })).toBe(true)
    expect(await send(cat, "uint8array", { reliable: false })).toBe(true)
    for (const page of [ann, ben, cat]) {
      await waitForCount(page, 2)
      expect((await received(page)).map(({ senderId, kind }) => ({ senderId, kind })).sort((a, b) => a.kind.localeCompare(b.kind)))
        .toEqual([{ senderId: "cat", kind: "json" }, { senderId: "cat", kind: "Uint8Array" }])
    }
    expect(await send(cat, "big arraybuffer", { reliable: false })).toBe(false)
    expect(await errors(cat)).toEqual([expect.objectContaining({ code: "unsupported_data", message: expect.stringMatching(/real-time lane/) })])
  }, 30_000)

  it("a receiver refuses a message over its max_message_bytes; the others still get it", async () => {
    const { ann, ben, cat } = await star({ cat: { streams: { max_message_bytes: 1_000_000 } } })
    expect(await send(ben, "big arraybuffer")).toBe(true)
    await waitForCount(ann, 1)
    await waitForCount(ben, 1)
    await expect.poll(() => errors(cat)).toEqual([expect.objectContaining({ code: "bad_message", message: expect.stringMatching(/at most 1000000/) })])
    expect(await received(cat)).toEqual([])
    expect(await errors(ben)).toEqual([])
  }, 30_000)
})
