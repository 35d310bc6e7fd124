import { isRecord, parseJsonObject } from "./parseJsonObject.js"
import { ID_PATTERN } from "./ChannelIdentifier.js"
import { ProtocolError } from "./ProtocolError.js"

/** A peer's connection state, as the host reports it in `Data.Connection.State`. */
export type PeerState = "negotiating" | "connecting" | "connected" | "disconnected"

/** Application data, as every peer receives it: `senderId` is stamped by the host. */
export interface DataMessage {
  type: "Data"
  senderId: string
  data: unknown
}

/** The host's view of everyone's connection state. */
export interface ConnectionStateMessage {
  type: "Data.Connection.State"
  data: Record<string, PeerState>
}

/** What `p2pReceivedMessage` receives. */
export type P2pMessage = DataMessage | ConnectionStateMessage

/** What travels on a data channel between a client and its host. */
export type ChannelMessage =
  | { type: "Data"; senderId?: string; data: unknown }
  | ConnectionStateMessage
  | { type: "Heartbeat" }
  | { type: "Bye" }

const PEER_STATES = new Set<string>(["negotiating", "connecting", "connected", "disconnected"])

/** Parses one data-channel message. Throws {@link ProtocolError} with `bad_message`. */
export function parseChannelMessage(text: unknown): ChannelMessage {
  if (typeof text !== "string") throw new ProtocolError("bad_message", "data channel messages are JSON text")
  const value = parseJsonObject(text, "data channel message", "malformed_json", "bad_message")
  switch (value.type) {
    case "Data": {
      const { senderId } = value
      if (senderId !== undefined && (typeof senderId !== "string" || !ID_PATTERN.test(senderId))) {
        throw new ProtocolError("bad_message", "senderId must be a peer id")
      }
      return senderId === undefined ? { type: "Data", data: value.data } : { type: "Data", senderId, data: value.data }
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
