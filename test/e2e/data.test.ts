import { describe, expect, it } from "vitest"
import type { EnginePage as Page } from "../helpers/enginePage.js"
import { clear, errors, expected, received, send, waitForCount } from "../helpers/sessionData.js"
import { allConnected, useSessionPages } from "../helpers/sessionPages.js"

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
