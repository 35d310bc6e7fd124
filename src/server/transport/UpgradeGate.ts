import type { IncomingMessage } from "node:http"
import { CABLE_PROTOCOL } from "../../protocol/CableFrame.js"
import { ProtocolError } from "../../protocol/ProtocolError.js"

/** Which browser origins may open a cable connection. */
export interface OriginPolicy {
  allowedOrigins: readonly string[]
  /** Also the origin whose host equals the request's `Host` header (which the client chooses). */
  allowSameOriginAsHost: boolean
}

/**
 * Decides whether an HTTP upgrade may become a cable connection: the `Origin` must be allowed and
 * the client must offer the `actioncable-v1-json` subprotocol. Throws {@link ProtocolError} otherwise.
 */
export function checkUpgrade(request: IncomingMessage, policy: OriginPolicy): void {
  const origin = request.headers.origin
  const host = policy.allowSameOriginAsHost ? request.headers.host : undefined
  if (origin !== undefined && !originAllowed(origin, host, policy.allowedOrigins)) {
    throw new ProtocolError("origin_not_allowed", `origin ${origin.slice(0, 200)} is not allowed`)
  }
  const offered = (request.headers["sec-websocket-protocol"] ?? "").split(",").map((protocol) => protocol.trim())
  if (!offered.includes(CABLE_PROTOCOL)) {
    throw new ProtocolError("unsupported_protocol", `the client must offer the ${CABLE_PROTOCOL} subprotocol`)
  }
}

function originAllowed(origin: string, host: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (allowedOrigins.includes("*")) return true
  let parsed: URL
  try {
    parsed = new URL(origin)
  } catch {
    return false
  }
  // Like ActionCable's allow_same_origin_as_host: a page served by this host may connect.
  if (host !== undefined && parsed.host === host) return true
  return allowedOrigins.includes(parsed.origin)
}
