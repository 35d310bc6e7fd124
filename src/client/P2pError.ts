/**
 * Machine-readable reasons a session reports through `p2pError` / the `error` event.
 * Joining: `invalid_token`, `token_expired`, `missing_token` (the token; see `tokenProvider`),
 * `bad_identifier` (session or peer id), `session_full` (the session waits for a place, state
 * `full`), `origin_not_allowed` (where the runtime reports it; browsers do not), `signaling_unreachable`
 * (no answer from the cable URL yet; still retrying), `peer_replaced` (another page joined with this
 * peer id), `signaling_rejected` (refused for another reason). Afterwards: `signaling_error`,
 * `negotiation_failed`, `bad_message`. Sending: `peer_not_found` (a `to` that is not in the session),
 * `send_failed` (a large message did not reach its receivers; the message says why); a file
 * transfer's `done`/`blob()` reject with `transfer_cancelled` or `transfer_failed`. Usage:
 * `invalid_config`, `unsupported_data`, `not_connected`.
 */
export type P2pErrorCode =
  | "invalid_token"
  | "token_expired"
  | "missing_token"
  | "bad_identifier"
  | "session_full"
  | "origin_not_allowed"
  | "signaling_unreachable"
  | "peer_replaced"
  | "signaling_rejected"
  | "signaling_error"
  | "negotiation_failed"
  | "bad_message"
  | "invalid_config"
  | "unsupported_data"
  | "not_connected"
  | "peer_not_found"
  | "send_failed"
  | "transfer_cancelled"
  | "transfer_failed"

/** An error the session reports; `code` says what happened, `cause` carries the underlying one. */
export class P2pError extends Error {
  override readonly name = "P2pError"

  constructor(
    readonly code: P2pErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** Wraps a failure on the link to `peerId`: a refused message, or a failed negotiation step. */
export function linkFailure(peerId: string, error: unknown): P2pError {
  const isProtocol = error instanceof Error && error.name === "ProtocolError"
  return isProtocol
    ? new P2pError("bad_message", `refused a message from ${peerId}: ${(error as Error).message}`, { cause: error })
    : new P2pError("negotiation_failed", `the link to ${peerId} failed${describeCause(error)}`, { cause: error })
}

function describeCause(error: unknown): string {
  if (error instanceof Error) return `: ${error.name}: ${error.message}`
  return error === undefined ? "" : `: ${String(error)}`
}
