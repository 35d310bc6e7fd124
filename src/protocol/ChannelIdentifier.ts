import { parseJsonObject } from "./parseJsonObject.js"
import { ProtocolError } from "./ProtocolError.js"

/** The channel name carried in every subscription identifier. */
export const SIGNALING_CHANNEL = "P2pStreamsChannel::SignalingChannel"

/** Session and peer ids: 1–128 characters of letters, digits and `_ - . : @`. */
export const ID_PATTERN = /^[A-Za-z0-9_.:@-]{1,128}$/

/** Longest identifier accepted; real ones are well under 1 KB. */
export const MAX_IDENTIFIER_LENGTH = 2048

/** The parsed subscription identifier of the signaling channel. */
export interface ChannelIdentifier {
  channel: typeof SIGNALING_CHANNEL
  sessionId: string
  peerId: string
  /** Join token; absent only where the server runs in open development mode. */
  token: string | undefined
  /**
   * Set when the identifier asks to join with the subscription (`"join": true`): the server then
   * handles a `SessionJoin` right after `confirm_subscription`, saving the client a round trip.
   * `lostHostPeerId` is that join's `lost_host_peer_id`.
   */
  join: JoinOnSubscribe | undefined
}

/**
 * Parses the identifier string of a `subscribe` command.
 * Throws {@link ProtocolError} with `bad_identifier` or `unknown_channel`.
 */
export function parseChannelIdentifier(identifier: string): ChannelIdentifier {
  if (identifier.length > MAX_IDENTIFIER_LENGTH) {
    throw new ProtocolError("bad_identifier", `identifier is longer than ${MAX_IDENTIFIER_LENGTH} characters`)
  }
  const { channel, session_id, peer_id, token, join, lost_host_peer_id } = parseJsonObject(identifier, "identifier", "bad_identifier", "bad_identifier")
  if (channel !== SIGNALING_CHANNEL) {
    throw new ProtocolError("unknown_channel", `unknown channel; expected "${SIGNALING_CHANNEL}"`)
  }
  if (typeof session_id !== "string" || !ID_PATTERN.test(session_id)) {
    throw new ProtocolError("bad_identifier", "session_id must be 1-128 characters of [A-Za-z0-9_.:@-]")
  }
  if (typeof peer_id !== "string" || !ID_PATTERN.test(peer_id)) {
    throw new ProtocolError("bad_identifier", "peer_id must be 1-128 characters of [A-Za-z0-9_.:@-]")
  }
  if (token !== undefined && typeof token !== "string") {
    throw new ProtocolError("bad_identifier", "token must be a string")
  }
  if (join !== undefined && typeof join !== "boolean") {
    throw new ProtocolError("bad_identifier", "join must be true or false")
  }
  if (lost_host_peer_id !== undefined && (join !== true || typeof lost_host_peer_id !== "string" || !ID_PATTERN.test(lost_host_peer_id))) {
    throw new ProtocolError("bad_identifier", "lost_host_peer_id must be a peer id, and comes only with \"join\": true")
  }
  const joinRequest: JoinOnSubscribe | undefined = join === true ? (lost_host_peer_id === undefined ? {} : { lostHostPeerId: lost_host_peer_id }) : undefined
  return { channel: SIGNALING_CHANNEL, sessionId: session_id, peerId: peer_id, token, join: joinRequest }
}

/** What a client may ask of the server along with its subscription (see {@link ChannelIdentifier.join}). */
export interface JoinOnSubscribe {
  lostHostPeerId?: string
}

/** Builds the identifier string a client subscribes with; `join` asks to join the session with the subscription. */
export function buildChannelIdentifier(sessionId: string, peerId: string, token?: string, join?: JoinOnSubscribe): string {
  return JSON.stringify(channelIdentifierParams(sessionId, peerId, token, join))
}

/** The identifier as the object the official client's `subscriptions.create` takes. */
export function channelIdentifierParams(sessionId: string, peerId: string, token?: string, join?: JoinOnSubscribe): { channel: string; [key: string]: unknown } {
  const params: { channel: string; [key: string]: unknown } = { channel: SIGNALING_CHANNEL, session_id: sessionId, peer_id: peerId, token }
  if (join) params.join = true
  if (join?.lostHostPeerId !== undefined) params.lost_host_peer_id = join.lostHostPeerId
  return params
}
