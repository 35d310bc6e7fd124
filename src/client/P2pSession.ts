import type { P2pMessage, PeerState } from "../protocol/PeerMessage.js"
import type { ServerSignal } from "../protocol/Signal.js"
import { ClientRole } from "./ClientRole.js"
import { Emitter } from "./Emitter.js"
import { HostRole } from "./HostRole.js"
import { resolveP2pConfig, type P2pConfig, type ResolvedP2pConfig } from "./P2pConfig.js"
import { ID_PATTERN, type JoinOnSubscribe } from "../protocol/ChannelIdentifier.js"
import { describeUnsendable } from "./describeUnsendable.js"
import { IncomingFile, OutgoingFile } from "./data/FileTransfer.js"
import { toPayload, type SendOptions } from "./data/payload.js"
import { randomTransferId } from "./data/StreamSender.js"
import { P2pError, type P2pErrorCode } from "./P2pError.js"
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
  /**
   * Called for a fresh join token before every (re)connection to signaling, so a session that heals
   * hours later is not refused with `token_expired`. Resolve with the token, e.g. from a small
   * endpoint of your app that mints one for the signed-in user. Default: none (`token` is reused).
   */
  tokenProvider?: () => string | Promise<string>
  config?: P2pConfig
  /** WebRTC implementation. Default: the global `RTCPeerConnection`. In Node: `node-datachannel/polyfill`. */
  RTCPeerConnection?: RTCPeerConnectionClass
  /** WebSocket implementation. Default: the global `WebSocket`. In Node: `ws`'s default export. */
  WebSocket?: WebSocketConstructor
}

/** A WebSocket class: the browser's, or `ws`'s default export in Node. */
export type WebSocketConstructor = abstract new (url: string | URL, protocols?: string | string[]) => object

/** An RTCPeerConnection class: the browser's, or node-datachannel's `polyfill` export in Node. */
export type RTCPeerConnectionClass = new (configuration?: RTCConfiguration) => object

export interface P2pSessionEvents {
  /** The session's state changed. */
  state: (state: SessionState) => void
  /** A `Data` or `Data.Connection.State` message arrived. */
  message: (message: P2pMessage) => void
  error: (error: P2pError) => void
  /** A host was elected, or a new one replaced it; `hostPeerId` may be this peer. */
  host: (hostPeerId: string) => void
  /** A file started arriving: listen to its `progress` and `end`, and take it with `blob()` (or `stream()`). */
  file: (file: IncomingFile) => void
  /** Another peer's published stream arrived here (through the host). */
  "stream-added": (event: StreamEvent) => void
  /** It ended: unpublished, its publisher left, or the host changed (it comes back through the new one). */
  "stream-removed": (event: StreamEvent) => void
}

/** A published media stream, and whose it is. */
export interface StreamEvent {
  peerId: string
  stream: MediaStream
  name: string
}

/** Options of `publish(stream, options)`. */
export interface PublishOptions {
  /** What receivers see it called, e.g. "camera" or "screen". Default: "". */
  name?: string
  /**
   * A cap on its video bitrate, in bits per second (e.g. 300_000), on every hop: the publisher's
   * encoder and the host's copies for each client. Default: none (WebRTC adapts to the network).
   */
  maxBitrate?: number
}

/** Options of `sendFile(blob, options)`. */
export interface SendFileOptions {
  /** One peer's id: only that peer receives it. Default: every other peer. */
  to?: string
  /** The name receivers see. Default: the `File`'s name, else `"file"`. */
  name?: string
  /** Anything JSON can carry, handed to receivers with the file (e.g. a caption). */
  metadata?: unknown
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
  private standby: RTCPeerConnection | undefined
  private currentState: SessionState = "idle"
  private currentHost: string | undefined
  private announcedHost: string | undefined
  private lostHost: string | undefined
  private rejoinAttempts = 0
  private rejoinTimer: ReturnType<typeof setTimeout> | undefined
  private joinTimer: ReturnType<typeof setTimeout> | undefined
  private readonly tokenProvider: (() => string | Promise<string>) | undefined
  private tokenRetried = false
  private readonly publishedStreams = new Map<string, { stream: MediaStream; name: string; maxBitrate?: number }>()

  constructor(options: P2pSessionOptions) {
    super()
    this.peerId = options.peerId
    this.sessionId = options.sessionId
    if (!ID_PATTERN.test(options.sessionId) || !ID_PATTERN.test(options.peerId)) {
      throw new P2pError("bad_identifier", "sessionId and peerId must be 1-128 characters of A-Z a-z 0-9 _ - . : @")
    }
    try {
      this.config = resolveP2pConfig(options.config)
    } catch (error) {
      throw new P2pError("invalid_config", (error as Error).message, { cause: error })
    }
    const WebSocketClass = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
    if (!WebSocketClass) {
      throw new TypeError('P2pSession: no WebSocket here; in Node pass one: import WebSocket from "ws"; new P2pSession({ …, WebSocket })')
    }
    // node-datachannel's polyfill implements the same interface under its own type names.
    this.context = this.roleContext((options.RTCPeerConnection as RTCPeerConnectionConstructor | undefined) ?? globalThis.RTCPeerConnection)
    this.tokenProvider = options.tokenProvider
    const { cableUrl, sessionId, peerId, token, tokenProvider } = options
    this.signaling = new SignalingClient({ cableUrl, sessionId, peerId, token, tokenProvider, WebSocket: WebSocketClass as typeof WebSocket }, {
      joinRequest: () => this.joinRequest(),
      signalingConnected: (joined) => this.signalingConnected(joined),
      signalingRejected: (code) => this.rejected(code),
      signalingUnreachable: (code, detail) => this.emit("error", new P2pError(code, detail)),
      tokenFailed: (error) => this.emit("error", new P2pError("token_expired", "the tokenProvider failed to give a token; trying again", { cause: error })),
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
    this.makeStandby()
  }

  // The first link's peer connection is made while the socket connects, not once the host's offer
  // (or, for a host, the first join) is here: that costs the page tens of milliseconds when busy.
  private makeStandby(): void {
    const { RTCPeerConnection, iceServers, iceTransportPolicy } = this.context.linkOptions
    try {
      this.standby = new RTCPeerConnection({ iceServers, iceTransportPolicy })
    } catch {
      // No WebRTC here: the first link will say so when it is made.
    }
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
    this.standby?.close()
    this.standby = undefined
    this.setState("closed")
  }

  /** The join token the next connection to signaling uses (a page may refresh it at any time). */
  set token(token: string | undefined) {
    this.signaling.setToken(token)
  }

  /**
   * Sends `data` through the host: to every peer, this one included, or with `to` to one peer
   * alone. `data` is a JSON value, or binary (`ArrayBuffer`, a typed array, `DataView`, `Blob`) of
   * any size; what is larger than one frame goes as a stream (docs/datachannel.md). With
   * `reliable: false` it goes on the real-time lane (one frame at most). False when not connected,
   * or when `data` cannot go (then an `unsupported_data` error says why).
   */
  send(data: unknown, options: SendOptions = {}): boolean {
    const payload = toPayload(data)
    if (typeof payload === "string") {
      this.emit("error", new P2pError("unsupported_data", payload))
      return false
    }
    if (options.to !== undefined && !ID_PATTERN.test(options.to)) {
      this.emit("error", new P2pError("unsupported_data", `to must be a peer id, got ${JSON.stringify(options.to)?.slice(0, 80)}`))
      return false
    }
    return this.currentState === "connected" && (this.role?.send(payload, options) ?? false)
  }

  /**
   * Sends a file (any `Blob`) through the host to every other peer, or with `to` to one. Read a
   * slice at a time, never whole. The returned transfer emits `progress` (`{bytes, total, rate}`:
   * what every receiver has confirmed) and `end`, has `cancel()`, and `done` resolves when every
   * receiver has all of it. If the host leaves mid-transfer, it ends `failed` (`host_left`) on every
   * side; send it again once the session has healed.
   */
  sendFile(blob: Blob, options: SendFileOptions = {}): OutgoingFile {
    if (typeof Blob === "undefined" || !(blob instanceof Blob)) throw new TypeError("sendFile: pass a Blob or a File")
    const name = options.name ?? (blob as Blob & { name?: string }).name ?? "file"
    const file = new OutgoingFile(randomTransferId(), blob, String(name).slice(0, 255), options.metadata, options.to)
    if (options.to !== undefined && (!ID_PATTERN.test(options.to) || options.to === this.peerId)) {
      file.finish({ status: "failed", reason: "peer_not_found", message: `cannot send a file to ${JSON.stringify(options.to)?.slice(0, 80)}` })
    } else if (options.metadata !== undefined && describeMetadata(options.metadata)) {
      file.finish({ status: "failed", reason: "failed", message: describeMetadata(options.metadata)! })
    } else if (this.currentState !== "connected" || !this.role) {
      file.finish({ status: "failed", reason: "failed", message: "not connected" })
    } else {
      this.role.sendFile(file, blob)
    }
    return file
  }

  /**
   * Sends a camera, microphone or screen `MediaStream` to every other peer: a client's goes to the
   * host, which forwards it to everyone else over the connections that exist. It stays published
   * across host changes (the new host forwards it) until `unpublish`, or until all its tracks end.
   * Other peers get `stream-added` with this peer's id and `name`. Rejects with `unsupported_data`
   * where the runtime has no media (node-datachannel).
   */
  async publish(stream: MediaStream, options: PublishOptions = {}): Promise<void> {
    if (typeof MediaStream === "undefined" || !(stream instanceof MediaStream)) throw new P2pError("unsupported_data", "publish() takes a MediaStream (getUserMedia, getDisplayMedia), in a runtime with WebRTC media")
    const name = String(options.name ?? "").slice(0, 255)
    const { maxBitrate } = options
    if (maxBitrate !== undefined && !(Number.isInteger(maxBitrate) && maxBitrate >= 1000 && maxBitrate <= 1e9)) {
      throw new P2pError("invalid_config", "publish: maxBitrate must be a whole number of bits per second from 1000")
    }
    if (this.publishedStreams.has(stream.id)) return
    this.publishedStreams.set(stream.id, maxBitrate === undefined ? { stream, name } : { stream, name, maxBitrate })
    // A stream whose tracks all end (the browser's "stop sharing") unpublishes itself.
    for (const track of stream.getTracks()) {
      track.addEventListener("ended", () => {
        if (stream.getTracks().every((each) => each.readyState === "ended")) this.unpublish(stream)
      })
    }
    this.role?.publish(stream, name, maxBitrate)
  }

  /** Stops sending `stream`; other peers get `stream-removed`. */
  async unpublish(stream: MediaStream): Promise<void> {
    if (!this.publishedStreams.delete(stream.id)) return
    this.role?.unpublish(stream.id)
  }

  /** The server refused the subscription: a fresh token may help once; anything else ends the session. */
  private rejected(code: string | undefined): void {
    const tokenProblem = code === "token_expired" || code === "invalid_token" || code === "missing_token"
    if (tokenProblem && this.tokenProvider && !this.tokenRetried) {
      this.tokenRetried = true
      return this.signaling.connect()
    }
    // A server that cannot reach its store now will later: subscribe again, after a while.
    if (code !== undefined && TRANSIENT_CODES.has(code)) {
      this.emit("error", new P2pError("signaling_error", `the signaling server could not take this peer yet (${code}); trying again`))
      clearTimeout(this.rejoinTimer)
      this.rejoinTimer = setTimeout(() => this.signaling.connect(), 1000 + Math.random() * 1000)
      return
    }
    const known: readonly string[] = ["invalid_token", "token_expired", "missing_token", "bad_identifier", "peer_replaced"]
    const errorCode = code && known.includes(code) ? (code as P2pErrorCode) : "signaling_rejected"
    this.emit("error", new P2pError(errorCode, REJECTION_TEXT[errorCode] ?? `the signaling server refused this peer (${code ?? "no reason given"})`))
    this.stop()
  }

  private roleContext(RTCPeerConnection: RTCPeerConnectionConstructor | undefined): RoleContext {
    if (!RTCPeerConnection) throw new TypeError("P2pSession: no RTCPeerConnection; pass one (e.g. from node-datachannel/polyfill)")
    const { iceServers, iceTransportPolicy, heartbeatIntervalMs, idleTimeoutMs } = this.config
    const { maxMessageBytes, maxStreamsPerPeer, streamIdleTimeoutMs } = this.config
    return {
      peerId: this.peerId,
      streamLimits: { maxMessageBytes, maxStreamsPerPeer, streamIdleTimeoutMs },
      linkOptions: {
        RTCPeerConnection,
        iceServers,
        iceTransportPolicy,
        heartbeatIntervalMs,
        idleTimeoutMs,
        connectTimeoutMs: Math.max(10_000, idleTimeoutMs * 3),
        takeStandby: () => {
          const standby = this.standby
          this.standby = undefined
          return standby
        },
      },
      sendSignal: (signal) => this.signaling.send(signal),
      deliver: (message) => this.emit("message", message),
      fileArrived: (file) => this.emit("file", file),
      published: () => this.publishedStreams,
      mediaEvents: {
        added: (peerId, stream, name) => this.emit("stream-added", { peerId, stream, name }),
        removed: (peerId, stream, name) => this.emit("stream-removed", { peerId, stream, name }),
      },
      setState: (state) => this.setState(state),
      reportError: (error) => this.emit("error", error),
      hostLost: () => this.hostLost(),
      connectedToHost: () => {
        if (!this.config.keepCableConnection) this.signaling.disconnect()
      },
      needSignaling: () => {
        if (this.signaling.connected) this.signalingConnected(false)
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

  // A connected client has nothing to join; it may be back only to restart ICE.
  private get connectedClient(): ClientRole | undefined {
    return this.role?.kind === "client" && this.role.connected ? this.role : undefined
  }

  /** Every subscription that is not a connected client's joins with it, saving a round trip. */
  private joinRequest(): JoinOnSubscribe | undefined {
    if (this.connectedClient || this.currentState === "closed") return undefined
    return this.lostHost ? { lostHostPeerId: this.lostHost } : {}
  }

  private signalingConnected(joinRequested: boolean): void {
    this.tokenRetried = false
    const client = this.connectedClient
    if (client) return client.signalingReady()
    this.join(!joinRequested)
  }

  private signalReceived(signal: ServerSignal): void {
    switch (signal.state) {
      case "SessionReady":
        return this.ready(signal.host_peer_id, signal.peer_id)
      case "SdpOffer":
      case "SdpAnswer":
      case "IceCandidate":
        return this.role?.signal(signal)
      case "Probe":
        // A server that cannot ping the socket asks whether this host is still here.
        this.signaling.send({ state: "ProbeAck" })
        return
      case "SessionReset":
        // Only the loss of our own host matters; a peer still waiting for SessionReady gets one anyway.
        if (signal.host_peer_id === this.currentHost) this.hostLost()
        return
      case "Error": {
        if (signal.code === "peer_replaced") {
          this.emit("error", new P2pError("peer_replaced", "another page joined with this peer id"))
          return this.stop()
        }
        if (signal.code === "session_full") return this.sessionFull(signal.message)
        this.emit("error", new P2pError("signaling_error", `${signal.code}: ${signal.message}`))
        // A server that could not reach its store will, later: try the join again.
        if (TRANSIENT_CODES.has(signal.code) && !this.role) this.scheduleRejoin()
        return
      }
    }
  }

  /** Waits for a place: the join is tried again (see `scheduleRejoin`) until one frees up. */
  private sessionFull(message: string): void {
    if (this.currentState !== "full") this.emit("error", new P2pError("session_full", `${message}; joining by itself when a place frees up`))
    this.setState("full")
    clearTimeout(this.joinTimer)
    this.scheduleRejoin()
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

  /** Joins (`send`: by a `SessionJoin` message; else the subscription asked already) and waits for SessionReady. */
  private join(send = true): void {
    if (this.currentState !== "connected" && this.currentState !== "full") this.setState("negotiating")
    if (send) this.signaling.send(this.lostHost ? { state: "SessionJoin", lost_host_peer_id: this.lostHost } : { state: "SessionJoin" })
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

/** Refusals by a server in trouble (its store, a bug) that a later attempt may not meet. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(["store_unavailable", "internal_error"])

const REJECTION_TEXT: Partial<Record<P2pErrorCode, string>> = {
  invalid_token: "the signaling server refused the join token: it was not signed for this session and peer with the server's secret",
  token_expired: "the join token has expired; give the session a fresh one (token attribute or tokenProvider)",
  missing_token: "the signaling server needs a join token (p2pFrameTag or signJoinToken makes one)",
  bad_identifier: "the signaling server refused the session or peer id",
  peer_replaced: "another page joined with this peer id",
}

/** Why `metadata` cannot go with a file (it travels as JSON in one frame), or undefined. */
function describeMetadata(metadata: unknown): string | undefined {
  const problem = describeUnsendable(metadata)
  if (problem) return problem.replace("the message", "metadata")
  if (JSON.stringify(metadata).length > 16_384) return "metadata is over 16 KiB as JSON"
  return undefined
}
