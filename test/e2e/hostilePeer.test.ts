import type { EnginePage as Page } from "../helpers/enginePage.js"
import { describe, expect, it } from "vitest"
import { allConnected, useSessionPages } from "../helpers/sessionPages.js"

// A client that bypasses the library and writes what it likes on its data channels to the host.
// `padding` bytes are added to every binary frame (made in the page, not carried over from here).
async function raw(page: Page, lane: "main" | "bulk" | "realtime", frames: Array<string | number[]>, padding = 0): Promise<void> {
  await page.evaluate(([lane, frames, padding]) => {
    const link = (window as unknown as { p2p: { role: { link: { lanes: Record<string, RTCDataChannel> } } } }).p2p.role.link
    const channel = link.lanes[lane as string]!
    for (const frame of frames as Array<string | number[]>) {
      if (typeof frame === "string") {
        channel.send(frame)
        continue
      }
      const bytes = new Uint8Array(frame.length + (padding as number))
      bytes.set(frame)
      channel.send(bytes)
    }
  }, [lane, frames, padding] as const)
}

/** The page's JS heap after a full garbage collection (through DevTools): what it holds, not what it has yet to free. */
async function heap(page: Page): Promise<number> {
  const devtools = await page.chromium!.context().newCDPSession(page.chromium!)
  await devtools.send("HeapProfiler.collectGarbage")
  const { usedSize } = await devtools.send("Runtime.getHeapUsage")
  await devtools.detach()
  return usedSize
}
const errors = (page: Page) => page.evaluate(() => (window as unknown as { errors: { code: string; message: string }[] }).errors)

describe("a hostile client against the host, in Chromium", () => {
  const pages = useSessionPages()

  it("malformed frames, huge announcements, thousands of streams and stray chunks: refused with errors on the host, nothing grows, chat goes on", async () => {
    const [host, evil, good] = [await pages.open("hostile", "host"), await pages.open("hostile", "evil"), await pages.open("hostile", "good")]
    await allConnected([host, evil, good], ["host", "evil", "good"])
    const before = await heap(host)

    // Malformed binary and text on every lane.
    await raw(evil, "main", [[], [9, 9, 9], [1, 0, 200, 65], [1, 0, 1, 32, 0], "{nope", '{"type":"Teleport"}', '{"type":"Data","to":"no body","data":1}'])
    await raw(evil, "bulk", [[2, 0, 0], '{"type":"StreamOpen","id":1,"transfer":"x y","kind":"json","size":1}'])
    await raw(evil, "realtime", [[7], "[]"])
    // A 100 GB file announced that never sends, then 2,000 streams at once, then chunks for nothing.
    await raw(evil, "bulk", ['{"type":"StreamOpen","id":100,"transfer":"big","kind":"file","size":107374182400,"name":"huge.bin","mime":""}'])
    await raw(evil, "bulk", Array.from({ length: 2000 }, (_, i) => JSON.stringify({ type: "StreamOpen", id: 1000 + i, transfer: `t${i}`, kind: "arraybuffer", size: 1 << 30 })))
    for (let batch = 0; batch < 10; batch += 1) await raw(evil, "bulk", Array.from({ length: 50 }, () => [2, 0, 0, 0xde, 0xad]), 30_000)

    await expect.poll(async () => (await errors(host)).length, { timeout: 15_000 }).toBeGreaterThan(2000)
    const seen = await errors(host)
    expect(seen.every((error) => error.code === "bad_message")).toBe(true)
    expect(seen.some((error) => /more than 16 streams open at once/.test(error.message))).toBe(true)
    expect(seen.some((error) => /stream 57005, which is not open/.test(error.message))).toBe(true)
    expect(seen.some((error) => /unknown binary frame type 9/.test(error.message))).toBe(true)

    // The good client still chats with the host, and the host's heap did not take the junk in.
    await good.evaluate(() => (window as unknown as { p2p: { send(data: unknown): boolean } }).p2p.send("still fine"))
    await expect.poll(() => host.evaluate(() => (window as unknown as { received: { data: unknown }[] }).received.some((m) => m.data === "still fine"))).toBe(true)
    expect(await heap(host) - before).toBeLessThan(16 * 1024 * 1024)
    expect(await host.evaluate(() => (window as unknown as { p2p: { state: string } }).p2p.state)).toBe("connected")
    // The good client was offered the huge file and the streams that got through, each for nothing: it holds nothing either.
    expect(await good.evaluate(() => (window as unknown as { files: { size: number }[] }).files.map((file) => file.size))).toEqual([107_374_182_400])
  }, 60_000)

  it("bogus renegotiation and media claims: refused on the host, the link and the others' media carry on", async () => {
    const [host, evil, good] = [await pages.open("hostile-media", "host"), await pages.open("hostile-media", "evil"), await pages.open("hostile-media", "good")]
    await allConnected([host, evil, good], ["host", "evil", "good"])
    await host.evaluate(() => (window as unknown as { publishCamera(name: string): Promise<string> }).publishCamera("cam"))
    const hostStream = await host.evaluate(() => (window as unknown as { mine: Record<string, MediaStream> }).mine.cam!.id)
    await expect.poll(() => good.evaluate(() => Object.keys((window as unknown as { videos: object }).videos)), { timeout: 15_000 }).toEqual(["host/cam"])

    await raw(evil, "main", [
      JSON.stringify({ type: "Negotiate", description: { type: "offer", sdp: "v=0 nonsense" } }),
      JSON.stringify({ type: "Negotiate", description: { type: "answer", sdp: "" } }),
      JSON.stringify({ type: "NegotiateIce", candidate: { candidate: "candidate:garbage" } }),
      JSON.stringify({ type: "Publish", streamId: hostStream, name: "stolen" }),
      JSON.stringify({ type: "Unpublish", streamId: hostStream }),
      JSON.stringify({ type: "Media", streams: [] }),
      ...Array.from({ length: 20 }, (_, i) => JSON.stringify({ type: "Publish", streamId: `fake-${i}`, name: "x" })),
      // Asks for the turn to offer, again and again, and never offers.
      ...Array.from({ length: 2000 }, () => JSON.stringify({ type: "NegotiateTurn" })),
    ])
    await expect.poll(async () => (await errors(host)).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(14)
    const seen = (await errors(host)).map((error) => error.message)
    expect(seen.some((message) => /already published by host/.test(message))).toBe(true)
    expect(seen.filter((message) => /more than 8 streams published/.test(message))).toHaveLength(12)
    // The host's camera is still the host's, still shown at the good client, and the link still carries data.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(await good.evaluate(() => Object.keys((window as unknown as { videos: object }).videos))).toEqual(["host/cam"])
    await evil.evaluate(() => (window as unknown as { p2p: { send(data: unknown): boolean } }).p2p.send("evil still here"))
    await expect.poll(() => good.evaluate(() => (window as unknown as { received: { data: unknown }[] }).received.some((m) => m.data === "evil still here"))).toBe(true)
    expect(await host.evaluate(() => (window as unknown as { p2p: { state: string } }).p2p.state)).toBe("connected")
    // A camera the host publishes now reaches the good client at once, and the turn-hoarding one too (its turn is taken back).
    await host.evaluate(() => (window as unknown as { publishCamera(name: string): Promise<string> }).publishCamera("cam2"))
    await expect.poll(() => good.evaluate(() => Object.keys((window as unknown as { videos: object }).videos).sort()), { timeout: 5000 }).toEqual(["host/cam", "host/cam2"])
    await expect.poll(() => evil.evaluate(() => Object.keys((window as unknown as { videos: object }).videos).sort()), { timeout: 15_000 }).toEqual(["host/cam", "host/cam2"])
  }, 60_000)
})
