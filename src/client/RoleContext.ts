import type { P2pMessage } from "../protocol/PeerMessage.js"
import type { IncomingFile } from "./data/FileTransfer.js"
import type { MediaEvents, Published } from "./media/HostMedia.js"
import type { P2pError } from "./P2pError.js"
import type { PeerLinkOptions } from "./PeerLink.js"
import type { OutgoingSignal } from "./SignalingClient.js"
import type { SessionState } from "./SessionState.js"

/** What a role (host or client) needs from the session that holds it. */
export interface RoleContext {
  readonly peerId: string
  readonly linkOptions: PeerLinkOptions
  readonly streamLimits: { maxMessageBytes: number; maxStreamsPerPeer: number; streamIdleTimeoutMs: number }
  sendSignal(signal: OutgoingSignal): boolean
  deliver(message: P2pMessage): void
  /** A file started arriving. */
  fileArrived(file: IncomingFile): void
  /** This peer's published streams (kept by the session across roles). */
  published(): Published
  /** Other peers' streams appearing and ending here. */
  readonly mediaEvents: MediaEvents
  setState(state: SessionState): void
  reportError(error: P2pError): void
  /** A client lost (or never got) its link to the host: join again. */
  hostLost(): void
  /** A client is connected: its signaling socket may go. */
  connectedToHost(): void
  /** A connected client needs signaling again (to restart ICE); calls the role's `signalingReady` once it has it. */
  needSignaling(): void
}
