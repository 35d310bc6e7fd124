import { validateP2pConfig, type P2pConfig } from "../client/P2pConfig.js"
import { ID_PATTERN } from "../protocol/ChannelIdentifier.js"
import { signJoinToken } from "./JoinToken.js"
import { PRECONNECT_SCRIPT } from "./preconnectScript.js"

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
  /**
   * Opens the frame's signaling socket from a small inline script right after the frame, while the
   * page's modules load; the frame takes it when it starts (its first connection is then ~50 ms
   * sooner). Default: true. With a Content-Security-Policy that forbids inline scripts, pass its
   * `nonce`, or set this to false.
   */
  preconnect?: boolean
  /** The CSP nonce for the preconnect script. Default: none. */
  nonce?: string
}

/**
 * Renders `<p2p-frame>` with a fresh join token: the Node counterpart of the Rails helper
 * `p2p_frame_tag(session_id:, peer_id:, config:)`.
 */
export function p2pFrameTag(options: P2pFrameTagOptions): string {
  const { secret, sessionId, peerId, config, cableUrl, expiresInMs = 3_600_000, content = "", preconnect = true, nonce } = options
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
  const frame = `<p2p-frame ${rendered}>${content}</p2p-frame>`
  if (!preconnect) return frame
  return `${frame}<script${nonce === undefined ? "" : ` nonce="${escapeAttribute(nonce)}"`}>${PRECONNECT_SCRIPT}</script>`
}

/** Escapes text for an HTML attribute value or text node. */
export function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/'/g, "&#39;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
}
