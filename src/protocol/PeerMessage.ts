import { isRecord, parseJsonObject } from "./parseJsonObject.js"
import { ID_PATTERN } from "./ChannelIdentifier.js"
import { ProtocolError } from "./ProtocolError.js"

/** A peer's connection state, as the host reports it in `Data.Connection.State`. */
export type PeerState = "negotiating" | "connecting" | "connected" | "disconnected"

/**
 * Application data, as every peer receives it: `senderId` is stamped by the host. `data` is the
 * JSON value sent, or binary data: an `ArrayBuffer` when an `ArrayBuffer` or a `Blob` was sent, a
 * `Uint8Array` when a typed array or `DataView` was. `to` is set when it was sent to this peer alone.
 */
export interface DataMessage {
  type: "Data"
  senderId: string
  data: unknown
  to?: string
}

/** The host's view of everyone's connection state. */
export interface ConnectionStateMessage {
  type: "Data.Connection.State"
  data: Record<string, PeerState>
}

/** What `p2pReceivedMessage` receives. */
export type P2pMessage = DataMessage | ConnectionStateMessage

/** What a stream carries, and so how it arrives: binary as sent, JSON text parsed, or a file. */
export type StreamKind = "arraybuffer" | "uint8array" | "json" | "file"

/** Why a stream ended before it was complete. */
export type StreamCancelReason = "cancelled" | "too_large" | "too_many_streams" | "timed_out" | "peer_not_found" | "bad_stream" | "failed" | "host_left"

/**
 * Announces a stream on the bulk channel; its chunks follow under `id` (docs/datachannel.md §4).
 * `transfer` names it across hosts (a resumed stream keeps it), `offset` is where a resumed one starts.
 */
export interface StreamOpenMessage {
  type: "StreamOpen"
  id: number
  transfer: string
  kind: StreamKind
  size: number
  offset?: number
  senderId?: string
  to?: string
  name?: string
  mime?: string
  metadata?: unknown
}

/** A receiver has `bytes` of stream `id` (to the host), or every receiver has (to the sender). */
export interface StreamAckMessage {
  type: "StreamAck"
  id: number
  bytes: number
}

/** Stream `id` ends unfinished, in either direction. */
export interface StreamCancelMessage {
  type: "StreamCancel"
  id: number
  reason: StreamCancelReason
  message?: string
}

/** The host could not deliver a message: `code` says why (e.g. `peer_not_found` for a `to` not in the session). */
export interface RefusedMessage {
  type: "Refused"
  code: "peer_not_found" | "bad_message"
  message: string
}

/** One published media stream, as the host lists them: its `MediaStream` id, its publisher and name. */
export interface MediaEntry {
  streamId: string
  peerId: string
  name: string
  /** The publisher's cap on the stream's video bitrate (bits per second), which the host keeps when forwarding. */
  maxBitrate?: number
}

/** What travels on a data channel between a client and its host, as JSON text. */
export type ChannelMessage =
  | { type: "Data"; senderId?: string; to?: string; data: unknown }
  | ConnectionStateMessage
  | StreamOpenMessage
  | StreamAckMessage
  | StreamCancelMessage
  | RefusedMessage
  /** Renegotiation of the link's media, once it is open. */
  | { type: "Negotiate"; description: { type: "offer" | "answer" | "pranswer" | "rollback"; sdp?: string } }
  | { type: "NegotiateIce"; candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } }
  /** A client asks for the turn to offer (to the host); the host gives it (to the client). */
  | { type: "NegotiateTurn" }
  /** A client publishes a stream of its own (to the host), or stops. */
  | { type: "Publish"; streamId: string; name: string; maxBitrate?: number }
  | { type: "Unpublish"; streamId: string }
  /** Every published stream in the session (host to client), after each change. */
  | { type: "Media"; streams: MediaEntry[] }
  | { type: "Heartbeat" }
  | { type: "Bye" }

const PEER_STATES = new Set<string>(["negotiating", "connecting", "connected", "disconnected"])
const STREAM_KINDS = new Set<string>(["arraybuffer", "uint8array", "json", "file"])
const CANCEL_REASONS = new Set<string>(["cancelled", "too_large", "too_many_streams", "timed_out", "peer_not_found", "bad_stream", "failed", "host_left"])
const TRANSFER_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
/** A `MediaStream` id: printable ASCII, no spaces (browsers make UUIDs, sometimes in braces). */
const STREAM_ID_PATTERN = /^[\x21-\x7e]{1,100}$/
const SDP_TYPES = new Set<string>(["offer", "answer", "pranswer", "rollback"])
/** The most streams a session lists; the host publishes no more. */
export const MAX_MEDIA_ENTRIES = 256
const MAX_NAME_CHARS = 255

/** Parses one data-channel message. Throws {@link ProtocolError} with `bad_message`. */
export function parseChannelMessage(text: unknown): ChannelMessage {
  if (typeof text !== "string") throw new ProtocolError("bad_message", "data channel messages are JSON text")
  const value = parseJsonObject(text, "data channel message", "malformed_json", "bad_message")
  switch (value.type) {
    case "Data": {
      const message: ChannelMessage = { type: "Data", data: value.data }
      const senderId = optionalPeerId(value, "senderId")
      const to = optionalPeerId(value, "to")
      if (senderId !== undefined) message.senderId = senderId
      if (to !== undefined) message.to = to
      return message
    }
    case "StreamOpen":
      return parseStreamOpen(value)
    case "StreamAck":
      return { type: "StreamAck", id: streamId(value), bytes: byteCount(value, "bytes") }
    case "StreamCancel": {
      const reason = value.reason
      if (typeof reason !== "string" || !CANCEL_REASONS.has(reason)) throw new ProtocolError("bad_message", "StreamCancel reason is not one the protocol knows")
      const message: StreamCancelMessage = { type: "StreamCancel", id: streamId(value), reason: reason as StreamCancelReason }
      if (typeof value.message === "string") message.message = value.message.slice(0, 500)
      return message
    }
    case "Negotiate": {
      const description = value.description
      if (!isRecord(description) || typeof description.type !== "string" || !SDP_TYPES.has(description.type) || (description.sdp !== undefined && typeof description.sdp !== "string")) {
        throw new ProtocolError("bad_message", "Negotiate needs description {type: offer|answer|pranswer|rollback, sdp}")
      }
      const type = description.type as "offer" | "answer" | "pranswer" | "rollback"
      return { type: "Negotiate", description: description.sdp === undefined ? { type } : { type, sdp: description.sdp } }
    }
    case "NegotiateIce": {
      const candidate = value.candidate
      if (!isRecord(candidate) || typeof candidate.candidate !== "string") throw new ProtocolError("bad_message", "NegotiateIce needs candidate {candidate: string}")
      const sdpMid = typeof candidate.sdpMid === "string" ? candidate.sdpMid : null
      const sdpMLineIndex = typeof candidate.sdpMLineIndex === "number" && Number.isInteger(candidate.sdpMLineIndex) ? candidate.sdpMLineIndex : null
      return { type: "NegotiateIce", candidate: { candidate: candidate.candidate, sdpMid, sdpMLineIndex } }
    }
    case "NegotiateTurn":
      return { type: "NegotiateTurn" }
    case "Publish": {
      const message: ChannelMessage = { type: "Publish", streamId: mediaStreamId(value.streamId), name: shortText(value, "name") }
      if (value.maxBitrate !== undefined) message.maxBitrate = bitrate(value.maxBitrate)
      return message
    }
    case "Unpublish":
      return { type: "Unpublish", streamId: mediaStreamId(value.streamId) }
    case "Media": {
      const streams = value.streams
      if (!Array.isArray(streams) || streams.length > MAX_MEDIA_ENTRIES) throw new ProtocolError("bad_message", `Media streams must be a list of at most ${MAX_MEDIA_ENTRIES}`)
      return {
        type: "Media",
        streams: streams.map((entry: unknown) => {
          if (!isRecord(entry)) throw new ProtocolError("bad_message", "a Media entry must be an object")
          const peerId = optionalPeerId(entry, "peerId")
          if (peerId === undefined) throw new ProtocolError("bad_message", "a Media entry needs a peerId")
          const parsed: MediaEntry = { streamId: mediaStreamId(entry.streamId), peerId, name: shortText(entry, "name") }
          if (entry.maxBitrate !== undefined) parsed.maxBitrate = bitrate(entry.maxBitrate)
          return parsed
        }),
      }
    }
    case "Refused": {
      const code = value.code === "peer_not_found" ? "peer_not_found" : "bad_message"
      return { type: "Refused", code, message: typeof value.message === "string" ? value.message.slice(0, 500) : "" }
    }
    case "Data.Connection.State": {
      const states = value.data
      if (!isRecord(states)) throw new ProtocolError("bad_message", "state data must be an object")
      const data: Record<string, PeerState> = {}
      for (const [peer, state] of Object.entries(states)) {
        if (ID_PATTERN.test(peer) && typeof state === "string" && PEER_STATES.has(state)) data[peer] = state as PeerState
      }
      return { type: "Data.Connection.State", data }
    }
    case "Heartbeat":
    case "Bye":
      return { type: value.type }
    default:
      throw new ProtocolError("bad_message", "unknown data channel message type")
  }
}

function parseStreamOpen(value: Record<string, unknown>): StreamOpenMessage {
  const { kind, transfer } = value
  if (typeof kind !== "string" || !STREAM_KINDS.has(kind)) throw new ProtocolError("bad_message", "StreamOpen kind must be arraybuffer, uint8array, json or file")
  if (typeof transfer !== "string" || !TRANSFER_PATTERN.test(transfer)) throw new ProtocolError("bad_message", "StreamOpen transfer must be 1-64 characters of A-Z a-z 0-9 _ -")
  const message: StreamOpenMessage = { type: "StreamOpen", id: streamId(value), transfer, kind: kind as StreamKind, size: byteCount(value, "size") }
  if (value.offset !== undefined) {
    message.offset = byteCount(value, "offset")
    if (message.offset > message.size) throw new ProtocolError("bad_message", "StreamOpen offset is past its size")
  }
  const senderId = optionalPeerId(value, "senderId")
  const to = optionalPeerId(value, "to")
  if (senderId !== undefined) message.senderId = senderId
  if (to !== undefined) message.to = to
  if (kind === "file") {
    message.name = shortText(value, "name")
    message.mime = shortText(value, "mime")
    if (value.metadata !== undefined) message.metadata = value.metadata
  }
  return message
}

function optionalPeerId(value: Record<string, unknown>, field: string): string | undefined {
  const id = value[field]
  if (id === undefined) return undefined
  if (typeof id !== "string" || !ID_PATTERN.test(id)) throw new ProtocolError("bad_message", `${field} must be a peer id`)
  return id
}

function streamId(value: Record<string, unknown>): number {
  const id = value.id
  if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new ProtocolError("bad_message", "stream id must be an integer from 0 to 2^32-1")
  return id
}

function byteCount(value: Record<string, unknown>, field: string): number {
  const count = value[field]
  if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 0) throw new ProtocolError("bad_message", `${field} must be a whole number of bytes`)
  return count
}

function shortText(value: Record<string, unknown>, field: string): string {
  const text = value[field]
  if (text === undefined) return ""
  if (typeof text !== "string" || text.length > MAX_NAME_CHARS) throw new ProtocolError("bad_message", `${field} must be text of at most ${MAX_NAME_CHARS} characters`)
  return text
}

function mediaStreamId(id: unknown): string {
  if (typeof id !== "string" || !STREAM_ID_PATTERN.test(id)) throw new ProtocolError("bad_message", "streamId must be 1-100 printable characters")
  return id
}

function bitrate(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1000 || value > 1e9) throw new ProtocolError("bad_message", "maxBitrate must be a whole number of bits per second from 1000")
  return value
}
