import { describe, expect, it } from "vitest"
import type { Engine, EnginePage } from "../helpers/enginePage.js"
import { clear, errors, expected, received, send, waitForCount } from "../helpers/sessionData.js"
import { files, sendFile, sent, waitFor } from "../helpers/sessionFiles.js"
import { allConnected, useSessionPages } from "../helpers/sessionPages.js"

/** Who is in each mixed star: a host of one engine, clients of both. */
const STARS: Array<[string, Array<[string, Engine]>]> = [
  ["Chromium host", [["host", "chromium"], ["fox", "firefox"], ["chrome", "chromium"], ["fox2", "firefox"]]],
  ["Firefox host", [["host", "firefox"], ["chrome", "chromium"], ["fox", "firefox"], ["chrome2", "chromium"]]],
]

describe.each(STARS)("data through a %s, Firefox and Chromium in one session", (_label, peers) => {
  const pages = useSessionPages()
  let room = 0

  async function star(): Promise<Record<string, EnginePage>> {
    room += 1
    const list: EnginePage[] = []
    for (const [name, engine] of peers) list.push(await pages.open(`ff-data-${peers[0]![1]}-${room}`, name, {}, { engine }))
    await allConnected(list, peers.map(([name]) => name))
    return Object.fromEntries(peers.map(([name], i) => [name, list[i]!]))
  }

  it("chat, binary of 3 MB and large JSON from a client of each engine reach everyone intact; direct messages reach one peer; the real-time lane carries small messages", async () => {
    const star_ = await star()
    const everyone = Object.values(star_)
    const senders = peers.slice(1, 3).map(([name]) => name)
    for (const sender of senders) {
      await clear(everyone)
      expect(await send(star_[sender]!, "small json")).toBe(true)
      expect(await send(star_[sender]!, "big arraybuffer")).toBe(true)
      expect(await send(star_[sender]!, "big blob")).toBe(true)
      expect(await send(star_[sender]!, "big json")).toBe(true)
      const byDigest = (a: { digest: string }, b: { digest: string }) => a.digest.localeCompare(b.digest)
      const want = (await Promise.all(["big arraybuffer", "big blob"].map(expected))).sort(byDigest)
      for (const page of everyone) {
        await waitForCount(page, 4)
        const got = await received(page)
        expect(got.every((message) => message.senderId === sender)).toBe(true)
        expect(got.filter((message) => message.kind !== "json").map(({ kind, size, digest }) => ({ kind, size, digest })).sort(byDigest)).toEqual(want)
        expect(got.filter((message) => message.kind === "json").map((message) => message.size).sort((a, b) => a - b)).toEqual([17, JSON.stringify({ text: "é".repeat(400_000), list: Array.from({ length: 20_000 }, (_, i) => i) }).length])
      }
    }

    await clear(everyone)
    const [first, second] = senders as [string, string]
    expect(await send(star_[first]!, "small json", { to: second })).toBe(true)
    expect(await send(star_[second]!, "big arraybuffer", { to: first })).toBe(true)
    expect(await send(star_.host!, "uint8array", { to: second })).toBe(true)
    await waitForCount(star_[second]!, 2)
    await waitForCount(star_[first]!, 1)
    expect((await received(star_[second]!)).map(({ senderId, to, kind }) => ({ senderId, to, kind })).sort((a, b) => a.senderId.localeCompare(b.senderId)))
      .toEqual([{ senderId: first, to: second, kind: "json" }, { senderId: "host", to: second, kind: "Uint8Array" }].sort((a, b) => a.senderId.localeCompare(b.senderId)))
    expect((await received(star_[first]!)).map(({ senderId, to, size }) => ({ senderId, to, size }))).toEqual([{ senderId: second, to: first, size: 3_000_000 }])
    expect(await received(star_.host!)).toEqual([])

    await clear(everyone)
    expect(await send(star_[first]!, "small json", { reliable: false })).toBe(true)
    for (const page of everyone) {
      await waitForCount(page, 1)
      expect((await received(page)).map(({ senderId, kind }) => ({ senderId, kind }))).toEqual([{ senderId: first, kind: "json" }])
    }
    for (const page of everyone) expect(await errors(page)).toEqual([])
  }, 120_000)

  it("a 5 MB file from a client of each engine reaches the others intact", async () => {
    const star_ = await star()
    const size = 5 * 1024 * 1024
    for (const sender of peers.slice(1, 3).map(([name]) => name)) {
      const id = await sendFile(star_[sender]!, size, { metadata: { from: sender } })
      const mine = await waitFor(() => sent(star_[sender]!, id), (record) => record.done !== null, 60_000)
      expect(mine).toMatchObject({ done: "resolved", end: { status: "done" } })
      for (const [name, page] of Object.entries(star_)) {
        if (name === sender) continue
        const record = await waitFor(() => files(page), (list) => list.some((file) => file.id === id && typeof file.digest === "string"), 60_000)
        expect(record.find((file) => file.id === id)).toMatchObject({ senderId: sender, size, metadata: { from: sender }, end: { status: "done" }, digest: mine.digest })
      }
    }
  }, 120_000)
})
