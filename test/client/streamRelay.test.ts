import { describe, expect, it } from "vitest"
import { IncomingStream } from "../../src/client/data/IncomingStream.js"
import { StreamRelay } from "../../src/client/data/StreamRelay.js"
import { STREAM_WINDOW_BYTES } from "../../src/client/data/StreamSender.js"
import type { PeerLink } from "../../src/client/PeerLink.js"
import { decodeDataFrame, encodeChunkFrame } from "../../src/protocol/DataFrame.js"
import type { StreamOpenMessage } from "../../src/protocol/PeerMessage.js"

// The host's relay alone, with stand-in links: what a hostile or broken client can make it do.
function link(remotePeerId: string) {
  const sent: (string | Uint8Array)[] = []
  return { remotePeerId, state: "open", sent, sendBulk: (frame: string | Uint8Array) => (sent.push(frame), true), texts: () => sent.filter((f): f is string => typeof f === "string").map((f) => JSON.parse(f) as Record<string, unknown>) }
}

function setup(limits = { maxStreamsPerPeer: 4, streamIdleTimeoutMs: 1000 }) {
  const ben = link("ben")
  const cat = link("cat")
  const refusals: string[] = []
  const local: IncomingStream[] = []
  let ids = 0
  const relay = new StreamRelay({
    peerId: "ann",
    links: () => new Map([["ben", ben as unknown as PeerLink], ["cat", cat as unknown as PeerLink]]),
    nextId: () => ++ids,
    receiveLocally: (open, senderId, ack) => {
      const stream = new IncomingStream(open, senderId, ack)
      local.push(stream)
      return stream
    },
    localCancelled: () => {},
    localComplete: () => {},
    refused: (_link, message) => refusals.push(message),
  }, limits)
  return { relay, ben, cat, refusals, local, from: ben as unknown as PeerLink, to: cat as unknown as PeerLink }
}

const open = (id: number, size: number, extra: Partial<StreamOpenMessage> = {}): StreamOpenMessage => ({ type: "StreamOpen", id, transfer: `t${id}`, kind: "arraybuffer", size, ...extra })
const chunk = (id: number, bytes: number) => encodeChunkFrame(id, new Uint8Array(bytes))

function feed(relay: StreamRelay, from: PeerLink, id: number, bytes: number): void {
  const frame = chunk(id, bytes)
  const decoded = decodeDataFrame(frame)
  if (decoded.kind === "chunk") relay.chunk(from, decoded.streamId, decoded.payload, frame)
}

describe("the host's stream relay", () => {
  it("forwards chunks under its own id to every other peer and itself, and tells the sender what every receiver has", () => {
    const { relay, cat, ben, local, from, to } = setup()
    relay.opened(from, open(5, 100_000))
    expect(cat.texts()[0]).toMatchObject({ type: "StreamOpen", id: 1, senderId: "ben", size: 100_000 })
    feed(relay, from, 5, 60_000)
    feed(relay, from, 5, 40_000)
    expect(cat.sent.filter((f) => typeof f !== "string").map((f) => decodeDataFrame(f as Uint8Array))).toMatchObject([{ streamId: 1 }, { streamId: 1 }])
    expect(local[0]!.complete).toBe(true)
    expect(ben.texts()).toEqual([])
    relay.acked(to, 1, 100_000)
    expect(ben.texts()).toEqual([{ type: "StreamAck", id: 5, bytes: 100_000 }])
  })

  it("drops chunks for streams that are not open, saying so, and holds nothing for them", () => {
    const { relay, cat, refusals, from } = setup()
    for (let i = 0; i < 1000; i += 1) feed(relay, from, 77, 60_000)
    expect(cat.sent).toEqual([])
    expect(refusals).toHaveLength(1000)
    expect(refusals[0]).toMatch(/stream 77, which is not open/)
  })

  it("refuses streams past the per-peer limit with too_many_streams", () => {
    const { relay, ben, refusals, from } = setup()
    for (let id = 1; id <= 1000; id += 1) relay.opened(from, open(id, 10))
    const cancels = ben.texts().filter((m) => m.type === "StreamCancel")
    expect(cancels).toHaveLength(996)
    expect(cancels[0]).toMatchObject({ id: 5, reason: "too_many_streams" })
    expect(refusals).toHaveLength(996)
  })

  it("cancels a stream whose sender runs past the window or past its size, for everyone", () => {
    const { relay, ben, cat, from } = setup()
    relay.opened(from, open(1, 100 << 20))
    for (let sent = 0; sent <= STREAM_WINDOW_BYTES + 65_536; sent += 60_000) feed(relay, from, 1, 60_000)
    expect(ben.texts().at(-1)).toMatchObject({ type: "StreamCancel", id: 1, reason: "bad_stream" })
    expect(cat.texts().at(-1)).toMatchObject({ type: "StreamCancel", reason: "bad_stream" })
    relay.opened(from, open(2, 10))
    feed(relay, from, 2, 11)
    expect(ben.texts().at(-1)).toMatchObject({ type: "StreamCancel", id: 2, reason: "bad_stream", message: expect.stringMatching(/past its announced size/) })
  })

  it("times out a stream announced huge that never sends, having allocated nothing for its size", () => {
    const { relay, ben, cat, from } = setup()
    relay.opened(from, open(1, 100 * 2 ** 30))
    relay.sweep(Date.now() + 2000)
    expect(ben.texts().at(-1)).toMatchObject({ type: "StreamCancel", id: 1, reason: "timed_out" })
    expect(cat.texts().at(-1)).toMatchObject({ type: "StreamCancel", reason: "timed_out" })
  })

  it("ignores confirmations and cancels for streams a peer has no part in", () => {
    const { relay, from, to } = setup()
    relay.opened(from, open(1, 10))
    expect(relay.acked(from, 1, 10)).toBe(false) // ben is the sender, not a receiver
    expect(relay.acked(to, 99, 10)).toBe(false)
    expect(relay.cancelled(to, 99, "cancelled", "")).toBe(false)
  })

  it("sends a stream with `to` to that peer alone, and refuses an unknown `to` with peer_not_found", () => {
    const { relay, ben, cat, local, from } = setup()
    relay.opened(from, open(1, 10, { to: "cat" }))
    expect(cat.texts()).toMatchObject([{ type: "StreamOpen", to: "cat" }])
    expect(local).toEqual([])
    relay.opened(from, open(2, 10, { to: "zed" }))
    expect(ben.texts().at(-1)).toMatchObject({ type: "StreamCancel", id: 2, reason: "peer_not_found" })
  })
})
