import type { BinaryShape } from "../../protocol/DataFrame.js"
import { describeUnsendable } from "../describeUnsendable.js"

/** Where a stream's bytes come from: read in slices, never whole (a `Blob` may be a file on disk). */
export interface ByteSource {
  readonly size: number
  read(offset: number, length: number): Promise<Uint8Array> | Uint8Array
}

/** What `send()` was given, sorted by how it travels. */
export type Payload =
  | { kind: "json"; text: string; value: unknown }
  | { kind: "binary"; shape: BinaryShape; bytes: Uint8Array; value: ArrayBuffer | ArrayBufferView }
  | { kind: "blob"; blob: Blob }

/** Sorts `data` for sending, or says why it cannot go (then it is an `unsupported_data` error). */
export function toPayload(data: unknown): Payload | string {
  if (data instanceof ArrayBuffer) return { kind: "binary", shape: "arraybuffer", bytes: new Uint8Array(data), value: data }
  if (ArrayBuffer.isView(data)) {
    if (!(data.buffer instanceof ArrayBuffer)) return "the message is a view of a SharedArrayBuffer, which cannot be sent; copy it first"
    return { kind: "binary", shape: "uint8array", bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), value: data }
  }
  if (typeof Blob !== "undefined" && data instanceof Blob) return { kind: "blob", blob: data }
  const problem = describeUnsendable(data)
  if (problem) return problem
  return { kind: "json", text: JSON.stringify(data), value: data }
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.byteLength, read: (offset, length) => bytes.subarray(offset, offset + length) }
}

export function blobSource(blob: Blob): ByteSource {
  return { size: blob.size, read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()) }
}

const encoder = new TextEncoder()

export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/** What a receiver is handed for a binary message or stream of this shape. */
export function shaped(bytes: Uint8Array, shape: BinaryShape): ArrayBuffer | Uint8Array {
  const copy = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
  return shape === "uint8array" ? copy : (copy.buffer as ArrayBuffer)
}

/** Options of `send(data, options)`. */
export interface SendOptions {
  /** One peer's id: only that peer receives it (and the sender does not see it). Default: everyone, the sender included. */
  to?: string
  /** `false` sends it on the real-time lane: unordered, never retransmitted, for state that the next message replaces. Default: true. */
  reliable?: boolean
}
