import { ID_PATTERN } from "./ChannelIdentifier.js"
import { ProtocolError } from "./ProtocolError.js"

/**
 * Binary frames on a link's data channels (docs/datachannel.md §3). Text frames are JSON messages
 * (PeerMessage.ts); binary frames are one of:
 *
 *   message  0x01 | flags u8 | sender length u8 | sender | to length u8 | to | payload
 *   chunk    0x02 | stream id u32 (big-endian) | payload
 *
 * A message frame is a whole binary message (flags bit 0: it was a typed array, so it arrives as a
 * `Uint8Array`; else an `ArrayBuffer`). A chunk frame is the next piece of a stream announced by a
 * `StreamOpen` message on the same channel. Ids are ASCII (the peer-id alphabet), 0 length = absent.
 */
export const MESSAGE_FRAME = 0x01
export const CHUNK_FRAME = 0x02
/** The chunk header's length; a chunk's payload is at most the channel's message size minus this. */
export const CHUNK_HEADER_BYTES = 5
/** The largest frame any peer sends or takes, whatever the connection's `maxMessageSize` says: every browser handles it. */
export const MAX_FRAME_BYTES = 65_536

/** How a binary message arrives: the type it was sent as, roughly. */
export type BinaryShape = "arraybuffer" | "uint8array"

export interface MessageFrame {
  kind: "message"
  shape: BinaryShape
  senderId?: string
  to?: string
  payload: Uint8Array
}

export interface ChunkFrame {
  kind: "chunk"
  streamId: number
  payload: Uint8Array
}

export type DataFrame = MessageFrame | ChunkFrame

const UINT8_FLAG = 0x01

export function encodeMessageFrame(frame: Omit<MessageFrame, "kind">): Uint8Array {
  const sender = asciiBytes(frame.senderId)
  const to = asciiBytes(frame.to)
  const out = new Uint8Array(4 + sender.length + to.length + frame.payload.byteLength)
  out[0] = MESSAGE_FRAME
  out[1] = frame.shape === "uint8array" ? UINT8_FLAG : 0
  out[2] = sender.length
  out.set(sender, 3)
  out[3 + sender.length] = to.length
  out.set(to, 4 + sender.length)
  out.set(frame.payload, 4 + sender.length + to.length)
  return out
}

export function encodeChunkFrame(streamId: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(CHUNK_HEADER_BYTES + payload.byteLength)
  out[0] = CHUNK_FRAME
  new DataView(out.buffer).setUint32(1, streamId)
  out.set(payload, CHUNK_HEADER_BYTES)
  return out
}

/** A copy of a chunk frame under another stream id: the host relays under ids of its own. */
export function restampChunkFrame(frame: Uint8Array, streamId: number): Uint8Array {
  const out = frame.slice()
  new DataView(out.buffer).setUint32(1, streamId)
  return out
}

/** Decodes one binary frame. Throws {@link ProtocolError} `bad_message` saying what is wrong. */
export function decodeDataFrame(data: ArrayBuffer | Uint8Array): DataFrame {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data)
  if (bytes.byteLength > MAX_FRAME_BYTES) throw new ProtocolError("bad_message", `binary frame of ${bytes.byteLength} bytes; the limit is ${MAX_FRAME_BYTES}`)
  switch (bytes[0]) {
    case MESSAGE_FRAME: {
      if (bytes.byteLength < 4) throw new ProtocolError("bad_message", "message frame shorter than its header")
      const flags = bytes[1]!
      if ((flags & ~UINT8_FLAG) !== 0) throw new ProtocolError("bad_message", "message frame has unknown flags")
      const senderEnd = 3 + bytes[2]!
      if (senderEnd + 1 > bytes.byteLength) throw new ProtocolError("bad_message", "message frame sender overruns the frame")
      const toEnd = senderEnd + 1 + bytes[senderEnd]!
      if (toEnd > bytes.byteLength) throw new ProtocolError("bad_message", "message frame recipient overruns the frame")
      const frame: MessageFrame = { kind: "message", shape: flags & UINT8_FLAG ? "uint8array" : "arraybuffer", payload: bytes.subarray(toEnd) }
      const senderId = readId(bytes.subarray(3, senderEnd), "sender")
      const to = readId(bytes.subarray(senderEnd + 1, toEnd), "recipient")
      if (senderId !== undefined) frame.senderId = senderId
      if (to !== undefined) frame.to = to
      return frame
    }
    case CHUNK_FRAME:
      if (bytes.byteLength < CHUNK_HEADER_BYTES) throw new ProtocolError("bad_message", "chunk frame shorter than its header")
      return { kind: "chunk", streamId: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1), payload: bytes.subarray(CHUNK_HEADER_BYTES) }
    default:
      throw new ProtocolError("bad_message", `unknown binary frame type ${bytes[0] ?? "(empty frame)"}`)
  }
}

function asciiBytes(id: string | undefined): Uint8Array {
  if (id === undefined) return new Uint8Array(0)
  if (!ID_PATTERN.test(id)) throw new TypeError(`not a peer id: ${id}`)
  return Uint8Array.from(id, (char) => char.charCodeAt(0))
}

function readId(bytes: Uint8Array, what: string): string | undefined {
  if (bytes.byteLength === 0) return undefined
  const id = String.fromCharCode(...bytes)
  if (!ID_PATTERN.test(id)) throw new ProtocolError("bad_message", `message frame ${what} is not a peer id`)
  return id
}
