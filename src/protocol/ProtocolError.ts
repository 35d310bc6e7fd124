/** Machine-readable reasons a frame or message from the network is refused. */
export type RejectionReason =
  | "malformed_json"
  | "malformed_frame"
  | "unknown_command"
  | "binary_not_supported"
  | "payload_too_large"
  | "rate_limited"
  | "origin_not_allowed"
  | "unsupported_protocol"
  | "bad_identifier"
  | "unknown_channel"
  | "unknown_subscription"
  | "already_subscribed"
  | "too_many_subscriptions"
  | "missing_token"
  | "invalid_token"
  | "token_expired"
  | "bad_message"
  | "unknown_message"
  | "not_joined"
  | "not_host"
  | "peer_not_found"
  | "session_full"
  | "peer_replaced"
  | "liveness_timeout"
  | "slow_consumer"
  | "no_subscription"
  | "store_unavailable"
  | "internal_error"

/** A frame or message from the network that was refused, with the reason why. */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError"

  constructor(
    readonly code: RejectionReason,
    message: string,
  ) {
    super(message)
  }
}
