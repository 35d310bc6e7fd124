import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { decodeDataFrame, encodeChunkFrame, encodeMessageFrame, MAX_FRAME_BYTES, restampChunkFrame } from "../../src/protocol/DataFrame.js"
import { parseChannelMessage } from "../../src/protocol/PeerMessage.js"
import { ProtocolError } from "../../src/protocol/ProtocolError.js"

const peerId = fc.stringMatching(/^[A-Za-z0-9_.:@-]{1,128}$/)

describe("binary data frames", () => {
  it("round-trip message frames with and without sender and recipient, in both shapes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), fc.option(peerId, { nil: undefined }), fc.option(peerId, { nil: undefined }), fc.boolean(), (payload, senderId, to, typed) => {
      const shape = typed ? "uint8array" : "arraybuffer"
      const decoded = decodeDataFrame(encodeMessageFrame({ shape, payload, ...(senderId ? { senderId } : {}), ...(to ? { to } : {}) }))
      expect(decoded).toEqual({ kind: "message", shape, payload, ...(senderId ? { senderId } : {}), ...(to ? { to } : {}) })
    }), { numRuns: 500 })
  })

  it("round-trip chunk frames, and a restamped chunk keeps its payload under the new id", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.uint8Array({ maxLength: 2000 }), (id, other, payload) => {
      const frame = encodeChunkFrame(id, payload)
      expect(decodeDataFrame(frame)).toEqual({ kind: "chunk", streamId: id, payload })
      expect(decodeDataFrame(restampChunkFrame(frame, other))).toEqual({ kind: "chunk", streamId: other, payload })
    }), { numRuns: 500 })
  })

  it("refuse any other bytes with bad_message, never with another exception", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      try {
        const frame = decodeDataFrame(bytes)
        if (frame.kind === "message") expect(bytes[0]).toBe(1)
        else expect(bytes[0]).toBe(2)
      } catch (error) {
        expect(error).toBeInstanceOf(ProtocolError)
        expect((error as ProtocolError).code).toBe("bad_message")
      }
    }), { numRuns: 20_000 })
  })

  it.each([
    [new Uint8Array([]), /empty frame/],
    [new Uint8Array([9, 0, 0]), /unknown binary frame type 9/],
    [new Uint8Array([1, 0, 200, 65]), /sender overruns/],
    [new Uint8Array([1, 0, 1, 65, 50, 66]), /recipient overruns/],
    [new Uint8Array([1, 0, 1, 32, 0]), /sender is not a peer id/],
    [new Uint8Array([1, 4, 0, 0]), /unknown flags/],
    [new Uint8Array([2, 0, 0, 1]), /chunk frame shorter/],
    [new Uint8Array(MAX_FRAME_BYTES + 1).fill(2), /limit is 65536/],
  ])("%#: refused (%s)", (bytes, why) => {
    expect(() => decodeDataFrame(bytes)).toThrow(why)
  })
})

describe("stream messages", () => {
  it("parse StreamOpen, keeping only what the kind allows", () => {
    expect(parseChannelMessage('{"type":"StreamOpen","id":7,"transfer":"abc","kind":"file","size":10,"name":"a.txt","mime":"text/plain","metadata":{"k":1},"extra":1}'))
      .toEqual({ type: "StreamOpen", id: 7, transfer: "abc", kind: "file", size: 10, name: "a.txt", mime: "text/plain", metadata: { k: 1 } })
    expect(parseChannelMessage('{"type":"StreamOpen","id":7,"transfer":"abc","kind":"json","size":10,"name":"ignored"}'))
      .toEqual({ type: "StreamOpen", id: 7, transfer: "abc", kind: "json", size: 10 })
  })

  it.each([
    ['{"type":"StreamOpen","id":-1,"transfer":"a","kind":"json","size":1}', /stream id/],
    ['{"type":"StreamOpen","id":4294967296,"transfer":"a","kind":"json","size":1}', /stream id/],
    ['{"type":"StreamOpen","id":1,"transfer":"a b","kind":"json","size":1}', /transfer/],
    ['{"type":"StreamOpen","id":1,"transfer":"a","kind":"exe","size":1}', /kind/],
    ['{"type":"StreamOpen","id":1,"transfer":"a","kind":"json","size":1e300}', /size/],
    ['{"type":"StreamOpen","id":1,"transfer":"a","kind":"json","size":5,"offset":6}', /offset is past/],
    ['{"type":"StreamOpen","id":1,"transfer":"a","kind":"file","size":5,"name":7}', /name/],
    ['{"type":"StreamAck","id":1,"bytes":-5}', /bytes/],
    ['{"type":"StreamCancel","id":1,"reason":"because"}', /reason/],
    ['{"type":"Data","data":1,"to":"no body"}', /to must be a peer id/],
  ])("%#: refuse %s", (text, why) => {
    expect(() => parseChannelMessage(text)).toThrow(why)
  })
})
