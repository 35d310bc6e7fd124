import { isRecord, parseJsonObject } from "./parseJsonObject.js"
import { ID_PATTERN } from "./ChannelIdentifier.js"
import { ProtocolError, type RejectionReason } from "./ProtocolError.js"

/** Every signaling message carries this `type`, as in the seed. */
export const CONNECTION_TYPE = "Connection"

/** A session description as `RTCSessionDescriptionInit` carries it. */
export interface SessionDescription {
  type: "offer" | "answer" | "pranswer" | "rollback"
  sdp?: string
}

/** An ICE candidate as `RTCIceCandidateInit` carries it; `null` ends the candidates. */
export interface IceCandidateInit {
  candidate: string
  sdpMid?: string | null
  sdpMLineIndex?: number | null
  usernameFragment?: string | null
}

/** Messages a peer sends to the server through `perform`/`send` on its subscription. */
export type PeerSignal =
  | { state: "SessionJoin"; lostHostPeerId?: string }
  | { state: "SessionLeave" }
  | { state: "SdpOffer"; toPeerId: string; sdp: SessionDescription }
  | { state: "SdpAnswer"; toPeerId: string; sdp: SessionDescription }
  | { state: "IceCandidate"; toPeerId: string; candidate: IceCandidateInit | null }
  | { state: "PeerConnected"; clientPeerId: string }
  | { state: "PeerDisconnected"; clientPeerId: string }
  | { state: "ProbeAck" }

/** Why a session lost its host. */
export type SessionResetReason = "host_left" | "host_stale" | "host_replaced"

/** Messages the server delivers to a peer, exactly as they appear on the wire. */
export type ServerSignal =
  | { type: "Connection"; state: "SessionReady"; host_peer_id: string; peer_id: string }
  | { type: "Connection"; state: "SdpOffer" | "SdpAnswer"; peer_id: string; to_peer_id: string; sdp: SessionDescription }
  | { type: "Connection"; state: "IceCandidate"; peer_id: string; to_peer_id: string; candidate: IceCandidateInit | null }
  | { type: "Connection"; state: "SessionReset"; host_peer_id: string; reason: SessionResetReason }
  | { type: "Connection"; state: "Error"; code: RejectionReason; message: string }
  | { type: "Connection"; state: "Probe" }

const SDP_TYPES = new Set(["offer", "answer", "pranswer", "rollback"])

/**
 * Parses the `data` string of a `message` command into a signal.
 * Throws {@link ProtocolError} with `malformed_json`, `bad_message` or `unknown_message`.
 */
export function parsePeerSignal(data: string): PeerSignal {
  const value = parseJsonObject(data, "message data", "malformed_json", "bad_message")
  if (value.action !== undefined && value.action !== "receive") {
    throw new ProtocolError("unknown_message", "the only action is \"receive\"")
  }
  if (value.type !== CONNECTION_TYPE) throw new ProtocolError("unknown_message", "message type must be \"Connection\"")
  switch (value.state) {
    case "SessionJoin":
      return value.lost_host_peer_id === undefined ? { state: "SessionJoin" } : { state: "SessionJoin", lostHostPeerId: peerIdField(value, "lost_host_peer_id") }
    case "SessionLeave":
      return { state: "SessionLeave" }
    case "SdpOffer":
    case "SdpAnswer":
      return { state: value.state, toPeerId: peerIdField(value, "to_peer_id"), sdp: sessionDescription(value.sdp) }
    case "IceCandidate":
      return { state: "IceCandidate", toPeerId: peerIdField(value, "to_peer_id"), candidate: iceCandidate(value.candidate) }
    case "PeerConnected":
    case "PeerDisconnected":
      return { state: value.state, clientPeerId: peerIdField(value, "client_peer_id") }
    case "ProbeAck":
      return { state: "ProbeAck" }
    default:
      throw new ProtocolError("unknown_message", `unknown Connection state "${String(value.state).slice(0, 40)}"`)
  }
}

function peerIdField(value: Record<string, unknown>, field: string): string {
  const id = value[field]
  if (typeof id !== "string" || !ID_PATTERN.test(id)) throw new ProtocolError("bad_message", `${field} must be a peer id`)
  return id
}

function sessionDescription(value: unknown): SessionDescription {
  if (!isRecord(value) || typeof value.type !== "string" || !SDP_TYPES.has(value.type)) {
    throw new ProtocolError("bad_message", "sdp must be {type: offer|answer|pranswer|rollback, sdp: string}")
  }
  if (value.sdp !== undefined && typeof value.sdp !== "string") throw new ProtocolError("bad_message", "sdp.sdp must be a string")
  const description: SessionDescription = { type: value.type as SessionDescription["type"] }
  if (value.sdp !== undefined) description.sdp = value.sdp
  return description
}

function iceCandidate(value: unknown): IceCandidateInit | null {
  if (value === null) return null
  if (!isRecord(value) || typeof value.candidate !== "string") {
    throw new ProtocolError("bad_message", "candidate must be null or {candidate: string, sdpMid, sdpMLineIndex}")
  }
  const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = value
  const init: IceCandidateInit = { candidate }
  if (typeof sdpMid === "string" || sdpMid === null) init.sdpMid = sdpMid
  if (typeof sdpMLineIndex === "number" || sdpMLineIndex === null) init.sdpMLineIndex = sdpMLineIndex
  if (typeof usernameFragment === "string" || usernameFragment === null) init.usernameFragment = usernameFragment
  return init
}
