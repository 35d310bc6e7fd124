import { validateP2pConfig, type P2pConfig } from "../client/P2pConfig.js"
import { ID_PATTERN } from "../protocol/ChannelIdentifier.js"
import { signJoinToken } from "./JoinToken.js"

export interface P2pFrameTagOptions {
  /** The server's join-token secret; `undefined` renders no token (only for a server with open joins). */
  secret: string | undefined
  sessionId: string
  peerId: string
  /** `ice_servers`, `heartbeat {interval_mls, idle_timeout_mls}`, `keepCableConnection`. */
  config?: P2pConfig
  /** Signaling endpoint; default: `/cable` on the page's own origin. */
  cableUrl?: string
  /** Token validity in ms. Default: 1 hour (give the page a `tokenProvider` to renew it; see the README). */
  expiresInMs?: number
  /** Inner HTML, e.g. the element carrying `data-controller`. Inserted as is. */
  content?: string
}

/**
 * Renders `<p2p-frame>` with a fresh join token: the Node counterpart of the Rails helper
 * `p2p_frame_tag(session_id:, peer_id:, config:)`.
 */
export function p2pFrameTag(options: P2pFrameTagOptions): string {
  const { secret, sessionId, peerId, config, cableUrl, expiresInMs = 3_600_000, content = "" } = options
  if (typeof sessionId !== "string" || !ID_PATTERN.test(sessionId) || typeof peerId !== "string" || !ID_PATTERN.test(peerId)) {
    throw new TypeError("p2pFrameTag: session and peer ids must be 1-128 characters of [A-Za-z0-9_.:@-]")
  }
  try {
    validateP2pConfig(config)
  } catch (error) {
    throw new TypeError(`p2pFrameTag: ${(error as Error).message}`)
  }
  if (!(Number.isFinite(expiresInMs) && expiresInMs > 0)) throw new TypeError("p2pFrameTag: expiresInMs must be a positive number of milliseconds")
  const attributes: Array<[string, string]> = [["session-id", sessionId], ["peer-id", peerId]]
  if (secret !== undefined) attributes.push(["token", signJoinToken(secret, { sessionId, peerId, expiresAt: Date.now() + expiresInMs })])
  if (config) attributes.push(["config", JSON.stringify(config)])
  if (cableUrl) attributes.push(["cable-url", cableUrl])
  const rendered = attributes.map(([name, value]) => `${name}="${escapeAttribute(value)}"`).join(" ")
  return `<p2p-frame ${rendered}>${content}</p2p-frame>`
}

/** Escapes text for an HTML attribute value or text node. */
export function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/'/g, "&#39;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
}
