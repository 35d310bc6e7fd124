import { describe, expect, it } from "vitest"
import { bytesSource } from "../../src/client/data/payload.js"
import { StreamSender, type StreamOutcome } from "../../src/client/data/StreamSender.js"
import type { PeerLink } from "../../src/client/PeerLink.js"

// The sender alone, with a stand-in link: what impossible confirmations from the other side do.
function setup(size = 200_000) {
  const sent: (string | Uint8Array)[] = []
  const link = { state: "open", bulkWritable: true, maxChunkBytes: 65_531, sendBulk: (frame: string | Uint8Array) => (sent.push(frame), true) } as unknown as PeerLink
  let ids = 0
  const sender = new StreamSender(() => ++ids)
  const progress: number[] = []
  const ends: StreamOutcome[] = []
  const stream = sender.open(bytesSource(new Uint8Array(size)), { kind: "arraybuffer" }, [link], undefined, { onProgress: (bytes) => progress.push(bytes), onEnd: (end) => ends.push(end) })
  return { sender, link, stream, progress, ends, sent }
}

describe("a stream sender facing a broken or hostile other side", () => {
  it("ignores confirmations of more than it sent, of less than before, and for streams that do not exist", () => {
    const { sender, link, stream, progress, ends } = setup()
    expect(stream.sent).toBe(200_000)
    expect(sender.acked(link, 1, 10_000_000)).toBe(false)
    expect(sender.acked(link, 1, 100_000)).toBe(true)
    expect(sender.acked(link, 1, 50_000)).toBe(false)
    expect(sender.acked(link, 99, 100)).toBe(false)
    expect(sender.cancelled(link, 99, "cancelled", "")).toBe(false)
    expect(progress).toEqual([100_000])
    expect(ends).toEqual([])
    expect(sender.acked(link, 1, 200_000)).toBe(true)
    expect(ends).toEqual([{ done: true }])
  })

  it("never runs more than the window ahead of what was confirmed", () => {
    const { stream } = setup(20 << 20)
    expect(stream.sent).toBeLessThanOrEqual(4 << 20)
    expect(stream.sent).toBeGreaterThan(0)
  })
})
