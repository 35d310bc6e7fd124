import type { P2pMessage, PeerState } from "../protocol/PeerMessage.js"
import type { ServerSignal } from "../protocol/Signal.js"
import { ClientRole } from "./ClientRole.js"
import { Emitter } from "./Emitter.js"
import { HostRole } from "./HostRole.js"
import { resolveP2pConfig, type P2pConfig, type ResolvedP2pConfig } from "./P2pConfig.js"
import { P2pError } from "./P2pError.js"
import type { PeerLinkOptions, RTCPeerConnectionConstructor } from "./PeerLink.js"
import type { RoleContext } from "./RoleContext.js"
import type { SessionState } from "./SessionState.js"
import { SignalingClient, type OutgoingSignal, type SignalingClientDelegate } from "./SignalingClient.js"

export interface P2pSessionOptions {
  /** The signaling endpoint, e.g. `ws://localhost:3000/cable`. */
  cableUrl: string
  sessionId: string
  peerId: string
  /** Join token from the server (see `signJoinToken`); omit only against an open development server. */
  token?: string
  config?: P2pConfig
  /** WebRTC implementation. Default: the global `RTCPeerConnection`. In Node: `node-datachannel/polyfill`. */
  RTCPeerConnection?: RTCPeerConnectionConstructor
  /** WebSocket implementation. Default: the global `WebSocket`. In Node: `ws`. */
  WebSocket?: typeof WebSocket
}

export interface P2pSessionEvents {
  /** The session's state changed. */
  state: (state: SessionState) => void
  /** A `Data` or `Data.Connection.State` message arrived. */
  message: (message: P2pMessage) => void
  error: (error: P2pError) => void
  /** A host was elected or changed; `hostPeerId` may be this peer. */
  host: (hostPeerId: string) => void
}

/**
 * One peer's membership of a session, with no DOM: joins through signaling, becomes the host or a
 * client of it, relays and heals. `<p2p-frame>` and `P2pController` are thin shells over it.
 */
export class P2pSession extends Emitter<P2pSessionEvents> {
  readonly peerId: string
  readonly sessionId: string
  private readonly context: RoleContext
  private readonly config: ResolvedP2pConfig
  private readonly signaling: SignalingClient
  private role: HostRole | ClientRole | undefined
  private currentState: SessionState = "idle"
  private currentHost: string | undefined
  private rejoinAttempts = 0
  private rejoinTimer: ReturnType<typeof setTimeout> | undefined

  constructor(options: P2pSessionOptions) {
    super()
    this.peerId = options.peerId
    this.sessionId = options.sessionId
    this.config = resolveP2pConfig(options.config)
    const RTCPeerConnectionImpl = options.RTCPeerConnection ?? globalThis.RTCPeerConnection
    if (!RTCPeerConnectionImpl) throw new TypeError("P2pSession: no RTCPeerConnection; pass one (e.g. from node-datachannel/polyfill)")
    const linkOptions: PeerLinkOptions = {
      RTCPeerConnection: RTCPeerConnectionImpl,
      iceServers: this.config.iceServers,
      heartbeatIntervalMs: this.config.heartbeatIntervalMs,
      idleTimeoutMs: this.config.idleTimeoutMs,
      connectTimeoutMs: Math.max(10_000, this.config.idleTimeoutMs * 3),
    }
    this.context = {
      peerId: this.peerId,
      linkOptions,
      sendSignal: (signal: OutgoingSignal) => this.signaling.send(signal),
      deliver: (message: P2pMessage) => this.emit("message", message),
      setState: (state: SessionState) => this.setState(state),
      reportError: (error: P2pError) => this.emit("error", error),
      hostLost: () => this.hostLost(),
      connectedToHost: () => {
        if (!this.config.keepCableConnection) this.signaling.disconnect()
      },
    }
    const delegate: SignalingClientDelegate = {
      signalingConnected: () => this.signalingConnected(),
      signalingRejected: () => {
        this.emit("error", new P2pError("signaling_rejected", "the signaling server refused this peer's token or identifier"))
        this.stop()
      },
      // The official client reconnects on its own; `signalingConnected` then joins again.
      signalingDisconnected: () => {},
      signalInvalid: (error: unknown) => {
        this.emit("error", new P2pError("bad_message", "the signaling server sent a message this client does not understand", { cause: error }))
      },
      signalReceived: (signal: ServerSignal) => this.signalReceived(signal),
    }
    const { cableUrl, sessionId, peerId, token, WebSocket } = options
    this.signaling = new SignalingClient({ cableUrl, sessionId, peerId, token, WebSocket }, delegate)
  }

  get state(): SessionState {
    return this.currentState
  }

  get iamHost(): boolean {
    return this.role?.kind === "host"
  }

  get hostPeerId(): string | undefined {
    return this.currentHost
  }

  /** The latest connection state of every peer, as the host reports it. */
  get peerStates(): Record<string, PeerState> {
    return this.role?.peerStates ?? {}
  }

  /** True while this peer holds a signaling subscription. */
  get holdsSignaling(): boolean {
    return this.signaling.connected
  }

  /** Joins the session. Idempotent. */
  start(): void {
    if (this.currentState !== "idle") return
    this.setState("negotiating")
    this.signaling.connect()
  }

  /** Leaves: says goodbye over every link, drops signaling. Idempotent. */
  stop(): void {
    if (this.currentState === "closed") return
    clearTimeout(this.rejoinTimer)
    this.role?.stop()
    this.role = undefined
    this.signaling.disconnect()
    this.setState("closed")
  }

  /** Sends `data` to every peer through the host. False when not connected. */
  send(data: unknown): boolean {
    return this.currentState === "connected" && (this.role?.send(data) ?? false)
  }

  private setState(state: SessionState): void {
    if (state === this.currentState || this.currentState === "closed") return
    this.currentState = state
    if (state === "connected") this.rejoinAttempts = 0
    this.emit("state", state)
  }

  private hostLost(): void {
    if (this.currentState === "closed") return
    this.role?.stop()
    this.role = undefined
    this.setState("disconnected")
    this.scheduleRejoin()
  }

  private signalingConnected(): void {
    // A connected client keeping its socket has nothing to say after a reconnect; everyone else
    // (the host re-registering after a server restart, a peer still joining) joins.
    if (this.role?.kind === "client" && this.role.connected) return
    this.join()
  }

  private signalReceived(signal: ServerSignal): void {
    switch (signal.state) {
      case "SessionReady":
        return this.ready(signal.host_peer_id, signal.peer_id)
      case "SdpOffer":
      case "SdpAnswer":
      case "IceCandidate":
        return this.role?.signal(signal)
      case "SessionReset":
        // Only the loss of our own host matters; a peer still waiting for SessionReady gets one anyway.
        if (signal.host_peer_id !== this.currentHost) return
        return this.hostLost()
      case "Error":
        if (signal.code === "peer_replaced") {
          this.emit("error", new P2pError("peer_replaced", "another page joined with this peer id"))
          return this.stop()
        }
        return this.emit("error", new P2pError(signal.code === "session_full" ? "session_full" : "signaling_error", `${signal.code}: ${signal.message}`))
    }
  }

  private ready(hostPeerId: string, joinerPeerId: string): void {
    if (joinerPeerId !== this.peerId) {
      if (this.role?.kind === "host" && hostPeerId === this.peerId) this.role.clientJoined(joinerPeerId)
      return
    }
    if (hostPeerId === this.peerId && this.role?.kind === "host") return
    this.role?.stop()
    this.role = hostPeerId === this.peerId ? new HostRole(this.context) : new ClientRole(this.context, hostPeerId)
    if (this.currentHost !== hostPeerId) {
      this.currentHost = hostPeerId
      this.emit("host", hostPeerId)
    }
    this.role.start()
  }

  private join(): void {
    if (this.currentState !== "connected") this.setState("negotiating")
    this.signaling.send({ state: "SessionJoin" })
  }

  private scheduleRejoin(): void {
    clearTimeout(this.rejoinTimer)
    // The first attempt goes at once, so the first peer back becomes the host; repeats back off with jitter.
    const delay = this.rejoinAttempts === 0 ? 0 : Math.min(5000, 250 * 2 ** this.rejoinAttempts) * (0.5 + Math.random())
    this.rejoinAttempts += 1
    this.rejoinTimer = setTimeout(() => {
      if (this.currentState === "closed") return
      if (this.signaling.connected) this.join()
      else this.signaling.connect()
    }, delay)
  }
}
