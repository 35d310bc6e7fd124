/** Machine-readable reasons a session reports through `p2pError` / the `error` event. */
export type P2pErrorCode =
  | "signaling_rejected"
  | "signaling_error"
  | "session_full"
  | "peer_replaced"
  | "negotiation_failed"
  | "not_connected"
  | "bad_message"

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
    : new P2pError("negotiation_failed", `the link to ${peerId} failed`, { cause: error })
}
