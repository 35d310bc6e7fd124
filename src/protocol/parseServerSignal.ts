import { isRecord } from "./parseJsonObject.js"
import { ID_PATTERN } from "./ChannelIdentifier.js"
import { ProtocolError } from "./ProtocolError.js"
import type { IceCandidateInit, ServerSignal, SessionDescription } from "./Signal.js"

const RESET_REASONS = new Set(["host_left", "host_stale", "host_replaced"])

/**
 * Parses a message the server delivered on the signaling subscription (the peer's edge).
 * Throws {@link ProtocolError} with `bad_message` for anything that is not a known signal.
 */
export function parseServerSignal(value: unknown): ServerSignal {
  if (!isRecord(value) || value.type !== "Connection") throw new ProtocolError("bad_message", "not a Connection message")
  const peer = (field: string): string => {
    const id = value[field]
    if (typeof id !== "string" || !ID_PATTERN.test(id)) throw new ProtocolError("bad_message", `${field} must be a peer id`)
    return id
  }
  switch (value.state) {
    case "SessionReady":
      return { type: "Connection", state: "SessionReady", host_peer_id: peer("host_peer_id"), peer_id: peer("peer_id") }
    case "SdpOffer":
    case "SdpAnswer":
      if (!isRecord(value.sdp) || typeof value.sdp.type !== "string") throw new ProtocolError("bad_message", "sdp missing")
      return { type: "Connection", state: value.state, peer_id: peer("peer_id"), to_peer_id: peer("to_peer_id"), sdp: value.sdp as unknown as SessionDescription }
    case "IceCandidate":
      if (value.candidate !== null && !isRecord(value.candidate)) throw new ProtocolError("bad_message", "candidate missing")
      return { type: "Connection", state: "IceCandidate", peer_id: peer("peer_id"), to_peer_id: peer("to_peer_id"), candidate: value.candidate as IceCandidateInit | null }
    case "SessionReset":
      if (typeof value.reason !== "string" || !RESET_REASONS.has(value.reason)) throw new ProtocolError("bad_message", "unknown reset reason")
      return { type: "Connection", state: "SessionReset", host_peer_id: peer("host_peer_id"), reason: value.reason as "host_left" }
    case "Probe":
      return { type: "Connection", state: "Probe" }
    case "Error":
      return { type: "Connection", state: "Error", code: String(value.code) as "internal_error", message: String(value.message ?? "") }
    default:
      throw new ProtocolError("bad_message", `unknown Connection state "${String(value.state).slice(0, 40)}"`)
  }
}
