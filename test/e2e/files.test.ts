import { describe, expect, it } from "vitest"
import type { EnginePage as Page } from "../helpers/enginePage.js"
import { files, increasing, sendFile, sent, waitFor } from "../helpers/sessionFiles.js"
import { allConnected, useSessionPages } from "../helpers/sessionPages.js"

describe("files through the host, in Chromium", () => {
  const pages = useSessionPages()
  let room = 0

  async function star(names = ["ann", "ben", "cat", "dan"]): Promise<Page[]> {
    room += 1
    const list: Page[] = []
    for (const name of names) list.push(await pages.open(`files-${room}`, name))
    await allConnected(list, names)
    return list
  }

  it("a 50 MB file from a client reaches the host and two other clients intact, with progress in order everywhere", async () => {
    const [ann, ben, cat, dan] = await star()
    const size = 50 * 1024 * 1024
    const id = await sendFile(ben!, size, { metadata: { caption: "holiday" } })
    const mine = await waitFor(() => sent(ben!, id), (record) => record.done !== null, 120_000)
    expect(mine.done).toBe("resolved")
    expect(mine.end).toEqual({ status: "done" })
    expect(increasing(mine.progress) && mine.progress.at(-1) === size).toBe(true)
    for (const page of [ann!, cat!, dan!]) {
      const [record] = await waitFor(() => files(page), (list) => list[0]?.digest !== null && list[0]?.digest !== undefined, 60_000)
      expect(record).toMatchObject({ id, senderId: "ben", name: "test.bin", size, type: "application/x-test", metadata: { caption: "holiday" }, end: { status: "done" }, digest: mine.digest, blobType: "application/x-test" })
      expect(increasing(record!.progress)).toBe(true)
      expect(record!.progress.at(-1)).toBe(size)
    }
    expect(await files(ben!)).toEqual([]) // the sender is not sent its own file
  }, 180_000)

  it("the sender cancelling ends it everywhere as cancelled; blob() rejects", async () => {
    const [ann, ben, cat] = await star(["ann", "ben", "cat"])
    const id = await sendFile(ben!, 200 * 1024 * 1024)
    await waitFor(() => sent(ben!, id), (record) => record.progress.length > 0)
    await ben!.evaluate((id) => (window as unknown as { outgoing: Record<string, { cancel(): void }> }).outgoing[id]!.cancel(), id)
    expect(await sent(ben!, id)).toMatchObject({ end: { status: "cancelled", reason: "cancelled" } })
    await waitFor(() => sent(ben!, id), (record) => record.done === "transfer_cancelled")
    for (const page of [ann!, cat!]) {
      const [record] = await waitFor(() => files(page), (list) => list[0]?.blobError !== null && list[0]?.blobError !== undefined)
      expect(record).toMatchObject({ end: { status: "cancelled", reason: "cancelled" }, blobError: "transfer_cancelled", digest: null })
    }
  }, 60_000)

  it("a receiver cancelling a file sent to it alone stops the sender; one of several cancelling leaves the others theirs", async () => {
    const [ann, ben, cat] = await star(["ann", "ben", "cat"])
    const direct = await sendFile(ben!, 200 * 1024 * 1024, { to: "cat" })
    await waitFor(() => files(cat!), (list) => (list[0]?.progress.length ?? 0) > 0)
    expect(await files(ann!)).toEqual([])
    await cat!.evaluate((id) => (window as unknown as { incoming: Record<string, { cancel(): void }> }).incoming[id]!.cancel(), direct)
    const stopped = await waitFor(() => sent(ben!, direct), (record) => record.end !== null)
    expect(stopped.end).toMatchObject({ status: "cancelled" })

    const broadcast = await sendFile(ann!, 20 * 1024 * 1024)
    await waitFor(() => files(cat!), (list) => list.some((record) => record.id === broadcast))
    await cat!.evaluate((id) => (window as unknown as { incoming: Record<string, { cancel(): void }> }).incoming[id]!.cancel(), broadcast)
    const done = await waitFor(() => sent(ann!, broadcast), (record) => record.done !== null)
    expect(done.done).toBe("resolved")
    const [atBen] = await waitFor(() => files(ben!), (list) => list[0]?.digest !== null && list[0]?.digest !== undefined)
    expect(atBen!.digest).toBe(done.digest)
    expect((await files(cat!)).find((record) => record.id === broadcast)).toMatchObject({ end: { status: "cancelled" }, blobError: "transfer_cancelled" })
  }, 90_000)

  it("the host's tab closing mid-transfer ends the transfer as failed (host_left) for the sender and the receivers", async () => {
    const [ann, ben, cat] = await star(["ann", "ben", "cat"])
    const id = await sendFile(ben!, 300 * 1024 * 1024)
    await waitFor(() => files(cat!), (list) => (list[0]?.progress.length ?? 0) > 0)
    await ann!.close()
    expect((await waitFor(() => sent(ben!, id), (record) => record.done !== null)).end).toMatchObject({ status: "failed", reason: "host_left" })
    expect((await waitFor(() => files(cat!), (list) => list[0]?.blobError !== null))[0]).toMatchObject({ end: { status: "failed", reason: "host_left" }, blobError: "transfer_failed" })
    // The session heals, and a file goes again.
    await allConnected([ben!, cat!], ["ben", "cat"])
    const again = await sendFile(ben!, 1024 * 1024)
    expect((await waitFor(() => sent(ben!, again), (record) => record.done !== null)).done).toBe("resolved")
  }, 90_000)

  it("chat keeps flowing while a large file is on its way", async () => {
    const [ann, ben, cat] = await star(["ann", "ben", "cat"])
    const id = await sendFile(ben!, 100 * 1024 * 1024)
    await waitFor(() => files(cat!), (list) => (list[0]?.progress.length ?? 0) > 0)
    for (let i = 0; i < 5; i += 1) await ann!.evaluate((i) => (window as unknown as { p2p: { send(data: unknown): boolean } }).p2p.send({ line: i }), i)
    const chat = await waitFor(() => cat!.evaluate(() => (window as unknown as { received: { data: { line?: number } }[] }).received.filter((m) => m.data?.line !== undefined).length), (n) => n === 5)
    expect(chat).toBe(5)
    const [record] = await files(cat!)
    expect(record!.end).toBeNull() // the lines arrived while the file was still on its way
    await waitFor(() => sent(ben!, id), (r) => r.done !== null, 120_000)
  }, 180_000)
})
