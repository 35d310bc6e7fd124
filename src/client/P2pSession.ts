import type { P2pMessage, PeerState } from "../protocol/PeerMessage.js"
import type { ServerSignal } from "../protocol/Signal.js"
import { ClientRole } from "./ClientRole.js"
import { Emitter } from "./Emitter.js"
import { HostRole } from "./HostRole.js"
import { resolveP2pConfig, type P2pConfig, type ResolvedP2pConfig } from "./P2pConfig.js"
import { P2pError } from "./P2pError.js"
import type { RTCPeerConnectionConstructor } from "./PeerLink.js"
import type { RoleContext } from "./RoleContext.js"
import type { SessionState } from "./SessionState.js"
import { SignalingClient } from "./SignalingClient.js"

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
  /** A host was elected, or a new one replaced it; `hostPeerId` may be this peer. */
  host: (hostPeerId: string) => void
}

/**
 * One peer's membership of a session, with no DOM: joins through signaling, becomes the host or a
 * client of it, relays, and heals when the host or the signaling server goes away.
 * `<p2p-frame>` and `P2pController` are thin shells over it.
 */
export class P2pSession extends Emitter<P2pSessionEvents> {
  readonly peerId: string
  readonly sessionId: string
  private readonly config: ResolvedP2pConfig
  private readonly context: RoleContext
  private readonly signaling: SignalingClient
  private role: HostRole | ClientRole | undefined
  private currentState: SessionState = "idle"
  private currentHost: string | undefined
  private announcedHost: string | undefined
  private lostHost: string | undefined
  private rejoinAttempts = 0
  private rejoinTimer: ReturnType<typeof setTimeout> | undefined
  private joinTimer: ReturnType<typeof setTimeout> | undefined

  constructor(options: P2pSessionOptions) {
    super()
    this.peerId = options.peerId
    this.sessionId = options.sessionId
    this.config = resolveP2pConfig(options.config)
    this.context = this.roleContext(options.RTCPeerConnection ?? globalThis.RTCPeerConnection)
    const { cableUrl, sessionId, peerId, token, WebSocket } = options
    this.signaling = new SignalingClient({ cableUrl, sessionId, peerId, token, WebSocket }, {
      signalingConnected: () => this.signalingConnected(),
      signalingRejected: () => {
        this.emit("error", new P2pError("signaling_rejected", "the signaling server refused this peer's token or identifier"))
        this.stop()
      },
      signalInvalid: (error) => this.emit("error", new P2pError("bad_message", "the signaling server sent a message this client does not understand", { cause: error })),
      signalReceived: (signal) => this.signalReceived(signal),
      // The host re-registers first after a server restart, so a waiting client cannot take its place.
      reconnectDelay: (attempt) => Math.min(30_000, (this.iamHost ? 100 : 1000) * 2 ** attempt) * (0.5 + Math.random()),
    })
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

  /** Joins the session. Idempotent. */
  start(): void {
    if (this.currentState !== "idle") return
    this.setState("negotiating")
    this.signaling.connect()
  }

  /** Leaves: drops signaling, then says goodbye over every link. Idempotent. */
  stop(): void {
    if (this.currentState === "closed") return
    clearTimeout(this.rejoinTimer)
    clearTimeout(this.joinTimer)
    // Signaling first: the server learns the host left before its clients, told by Bye, rejoin.
    this.signaling.disconnect()
    this.role?.stop()
    this.role = undefined
    this.setState("closed")
  }

  /** Sends `data` to every peer through the host. False when not connected. */
  send(data: unknown): boolean {
    return this.currentState === "connected" && (this.role?.send(data) ?? false)
  }

  private roleContext(RTCPeerConnection: RTCPeerConnectionConstructor | undefined): RoleContext {
    if (!RTCPeerConnection) throw new TypeError("P2pSession: no RTCPeerConnection; pass one (e.g. from node-datachannel/polyfill)")
    const { iceServers, iceTransportPolicy, heartbeatIntervalMs, idleTimeoutMs } = this.config
    return {
      peerId: this.peerId,
      linkOptions: { RTCPeerConnection, iceServers, iceTransportPolicy, heartbeatIntervalMs, idleTimeoutMs, connectTimeoutMs: Math.max(10_000, idleTimeoutMs * 3) },
      sendSignal: (signal) => this.signaling.send(signal),
      deliver: (message) => this.emit("message", message),
      setState: (state) => this.setState(state),
      reportError: (error) => this.emit("error", error),
      hostLost: () => this.hostLost(),
      connectedToHost: () => {
        if (!this.config.keepCableConnection) this.signaling.disconnect()
      },
      needSignaling: () => {
        if (this.signaling.connected) this.signalingConnected()
        else this.signaling.connect()
      },
    }
  }

  private setState(state: SessionState): void {
    if (state === this.currentState || this.currentState === "closed") return
    this.currentState = state
    if (state === "connected") this.rejoinAttempts = 0
    this.emit("state", state)
  }

  private hostLost(): void {
    if (this.currentState === "closed" || this.currentHost === undefined) return
    this.lostHost = this.currentHost
    this.currentHost = undefined
    this.role?.stop()
    this.role = undefined
    this.setState("disconnected")
    this.scheduleRejoin()
  }

  private signalingConnected(): void {
    // A connected client has nothing to join; it may be back only to restart ICE.
    if (this.role?.kind === "client" && this.role.connected) return this.role.signalingReady()
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
        if (signal.host_peer_id === this.currentHost) this.hostLost()
        return
      case "Error": {
        if (signal.code === "peer_replaced") {
          this.emit("error", new P2pError("peer_replaced", "another page joined with this peer id"))
          return this.stop()
        }
        this.emit("error", new P2pError(signal.code === "session_full" ? "session_full" : "signaling_error", `${signal.code}: ${signal.message}`))
        // A server that could not reach its store will, later: try the join again.
        const transient = signal.code === "store_unavailable" || signal.code === "internal_error"
        if (transient && !this.role) this.scheduleRejoin()
        return
      }
    }
  }

  private ready(hostPeerId: string, joinerPeerId: string): void {
    if (joinerPeerId !== this.peerId) {
      if (this.role?.kind === "host" && hostPeerId === this.peerId) this.role.clientJoined(joinerPeerId)
      return
    }
    clearTimeout(this.joinTimer)
    this.lostHost = undefined
    this.currentHost = hostPeerId
    // The host again after a signaling reconnect: its links are intact, the server must relearn them.
    if (hostPeerId === this.peerId && this.role?.kind === "host") return this.role.reregistered()
    this.role?.stop()
    this.role = hostPeerId === this.peerId ? new HostRole(this.context) : new ClientRole(this.context, hostPeerId)
    if (this.announcedHost !== hostPeerId) {
      this.announcedHost = hostPeerId
      this.emit("host", hostPeerId)
    }
    this.role.start()
  }

  private join(): void {
    if (this.currentState !== "connected") this.setState("negotiating")
    this.signaling.send(this.lostHost ? { state: "SessionJoin", lost_host_peer_id: this.lostHost } : { state: "SessionJoin" })
    // No SessionReady (a lost reply, a server in trouble): ask again, backing off.
    clearTimeout(this.joinTimer)
    this.joinTimer = setTimeout(() => this.scheduleRejoin(), this.context.linkOptions.connectTimeoutMs)
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
