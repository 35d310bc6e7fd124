import { createHmac, timingSafeEqual } from "node:crypto"
import { ProtocolError } from "../protocol/ProtocolError.js"

const VERSION = "v1"

/** What a join token binds: a session, a peer in it, and when it stops being valid. */
export interface JoinTokenClaims {
  sessionId: string
  peerId: string
  /** Expiry, in milliseconds since the epoch (stored with second precision). */
  expiresAt: number
}

/**
 * Signs a join token: `v1.<expiry unix seconds>.<base64url HMAC-SHA256>` over
 * `v1|<session id>|<peer id>|<expiry>`. See docs/protocol.md.
 */
export function signJoinToken(secret: string, claims: JoinTokenClaims): string {
  // The same rule as the server's: a token signed with a secret it refuses could never be checked.
  if (typeof secret !== "string" || secret.length < 16) throw new TypeError("signJoinToken: the secret must be a string of at least 16 characters")
  if (!Number.isFinite(claims.expiresAt)) throw new TypeError("signJoinToken: expiresAt must be a time in milliseconds since the epoch")
  const expiry = Math.floor(claims.expiresAt / 1000)
  return `${VERSION}.${expiry}.${mac(secret, claims.sessionId, claims.peerId, expiry)}`
}

/**
 * Checks a join token against the session and peer it is presented for, in constant time.
 * Throws {@link ProtocolError} with `missing_token`, `invalid_token` or `token_expired`.
 */
export function verifyJoinToken(secret: string, token: string | undefined, sessionId: string, peerId: string, now = Date.now()): void {
  if (token === undefined || token === "") throw new ProtocolError("missing_token", "a join token is required")
  const [version, expiryText, signature, ...rest] = token.split(".")
  if (version !== VERSION || !expiryText || !/^(0|[1-9]\d{0,11})$/.test(expiryText) || signature === undefined || rest.length > 0) {
    throw new ProtocolError("invalid_token", "join token is malformed")
  }
  const expiry = Number(expiryText)
  const expected = Buffer.from(mac(secret, sessionId, peerId, expiry))
  const given = Buffer.from(signature)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ProtocolError("invalid_token", "join token does not match this session and peer")
  }
  if (expiry * 1000 <= now) throw new ProtocolError("token_expired", "join token has expired")
}

function mac(secret: string, sessionId: string, peerId: string, expiry: number): string {
  return createHmac("sha256", secret).update(`${VERSION}|${sessionId}|${peerId}|${expiry}`).digest("base64url")
}
