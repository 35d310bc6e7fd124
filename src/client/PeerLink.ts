import { parseChannelMessage, type ChannelMessage } from "../protocol/PeerMessage.js"
import type { IceCandidateInit, SessionDescription } from "../protocol/Signal.js"

/** Why a link ended. */
export type LinkEndReason = "closed" | "bye" | "idle_timeout" | "failed" | "replaced" | "stopped"

export interface PeerLinkDelegate {
  linkSignal(link: PeerLink, signal: { state: "SdpOffer" | "SdpAnswer"; sdp: SessionDescription } | { state: "IceCandidate"; candidate: IceCandidateInit }): void
  linkOpened(link: PeerLink): void
  linkMessage(link: PeerLink, message: ChannelMessage): void
  linkEnded(link: PeerLink, reason: LinkEndReason): void
  linkError(link: PeerLink, error: unknown): void
  /** ICE reports the path lost (`disconnected`); it may come back, or be restarted. */
  linkInterrupted(link: PeerLink): void
  /** ICE is connected again after an interruption. */
  linkRestored(link: PeerLink): void
}

/** Above this many buffered bytes, messages wait in the link's outbox instead of the channel. */
const HIGH_WATER = 1 << 20
/** The channel asks for more when its buffer drains below this. */
const LOW_WATER = 256 << 10
/** The outbox holds at most this much; past it, `send` refuses. */
const OUTBOX_LIMIT = 16 << 20

export type RTCPeerConnectionConstructor = new (configuration?: RTCConfiguration) => RTCPeerConnection

export interface PeerLinkOptions {
  RTCPeerConnection: RTCPeerConnectionConstructor
  iceServers: RTCIceServer[]
  iceTransportPolicy: RTCIceTransportPolicy
  heartbeatIntervalMs: number
  idleTimeoutMs: number
  /** How long negotiation may take before the link is given up. */
  connectTimeoutMs: number
}

/**
 * One WebRTC peer connection with one data channel, between a client and its host. Trickles ICE,
 * queueing remote candidates until the remote description is set, and sends heartbeats so a
 * vanished peer is noticed within `idleTimeoutMs`.
 */
export class PeerLink {
  state: "connecting" | "open" | "ended" = "connecting"
  private readonly pc: RTCPeerConnection
  private channel: RTCDataChannel | undefined
  private pendingCandidates: IceCandidateInit[] = []
  private lastHeardAt = Date.now()
  private readonly timer: ReturnType<typeof setInterval>
  private readonly startedAt = Date.now()
  private interrupted = false
  private outbox: string[] = []
  private outboxBytes = 0

  constructor(
    readonly remotePeerId: string,
    private readonly options: PeerLinkOptions,
    private readonly delegate: PeerLinkDelegate,
  ) {
    this.pc = new options.RTCPeerConnection({ iceServers: options.iceServers, iceTransportPolicy: options.iceTransportPolicy })
    this.pc.onicecandidate = (event) => {
      const candidate = event.candidate
      if (!candidate || !candidate.candidate || this.state === "ended") return
      this.delegate.linkSignal(this, {
        state: "IceCandidate",
        candidate: { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex },
      })
    }
    this.pc.onconnectionstatechange = () => {
      if (this.pc.connectionState === "failed") this.end("failed")
    }
    this.pc.ondatachannel = (event) => this.adopt(event.channel)
    this.pc.oniceconnectionstatechange = () => this.iceStateChanged(this.pc.iceConnectionState)
    this.timer = setInterval(() => this.beat(), options.heartbeatIntervalMs)
  }

  get isEnded(): boolean {
    return this.state === "ended"
  }

  /** As the host: opens the data channel and sends the offer. */
  async offer(): Promise<void> {
    this.adopt(this.pc.createDataChannel("p2p-streams-channel", { ordered: true }))
    await this.guard(async () => {
      await this.pc.setLocalDescription(await this.pc.createOffer())
      this.sendDescription("SdpOffer")
    })
  }

  /** As a client: accepts the host's offer and answers it. */
  async acceptOffer(sdp: SessionDescription): Promise<void> {
    await this.guard(async () => {
      await this.pc.setRemoteDescription(sdp)
      await this.flushCandidates()
      await this.pc.setLocalDescription(await this.pc.createAnswer())
      this.sendDescription("SdpAnswer")
    })
  }

  /** Restarts ICE on a link whose path was lost: a new offer with fresh credentials. */
  async restartIce(): Promise<void> {
    await this.guard(async () => {
      await this.pc.setLocalDescription(await this.pc.createOffer({ iceRestart: true }))
      this.sendDescription("SdpOffer")
    })
  }

  async acceptAnswer(sdp: SessionDescription): Promise<void> {
    await this.guard(async () => {
      await this.pc.setRemoteDescription(sdp)
      await this.flushCandidates()
    })
  }

  async addCandidate(candidate: IceCandidateInit | null): Promise<void> {
    if (!candidate || this.state === "ended") return
    if (!this.pc.remoteDescription) {
      this.pendingCandidates.push(candidate)
      return
    }
    await this.guard(() => this.pc.addIceCandidate(candidate))
  }

  /**
   * Sends one message, in order. When the channel's buffer is full the message waits in an outbox
   * that drains as the buffer does; false when the channel is not open or the outbox is full.
   */
  send(message: ChannelMessage): boolean {
    return this.sendText(JSON.stringify(message))
  }

  /** Sends a message already encoded (the host encodes a relayed message once for every link). */
  sendText(text: string): boolean {
    const channel = this.channel
    if (this.state !== "open" || channel?.readyState !== "open") return false
    if (this.outbox.length > 0 || channel.bufferedAmount > HIGH_WATER) {
      if (this.outboxBytes + text.length > OUTBOX_LIMIT) return false
      this.outbox.push(text)
      this.outboxBytes += text.length
      return true
    }
    try {
      channel.send(text)
      return true
    } catch {
      return false
    }
  }

  private drain(): void {
    const channel = this.channel
    if (!channel || channel.readyState !== "open") return
    while (this.outbox.length > 0 && channel.bufferedAmount <= HIGH_WATER) {
      const text = this.outbox.shift() as string
      this.outboxBytes -= text.length
      channel.send(text)
    }
  }

  /** Ends the link; with `sayBye`, tells the other side first so it need not wait for a timeout. */
  end(reason: LinkEndReason, { sayBye = false } = {}): void {
    if (this.state === "ended") return
    if (sayBye) this.send({ type: "Bye" })
    this.state = "ended"
    clearInterval(this.timer)
    if (this.channel) this.channel.onclose = this.channel.onmessage = this.channel.onopen = this.channel.onbufferedamountlow = null
    this.outbox = []
    this.pc.onicecandidate = this.pc.onconnectionstatechange = this.pc.ondatachannel = this.pc.oniceconnectionstatechange = null
    try {
      this.pc.close()
    } catch {
      // already closed
    }
    this.delegate.linkEnded(this, reason)
  }

  private adopt(channel: RTCDataChannel): void {
    this.channel = channel
    channel.bufferedAmountLowThreshold = LOW_WATER
    channel.onbufferedamountlow = () => this.drain()
    channel.onopen = () => {
      if (this.state !== "connecting") return
      this.state = "open"
      this.lastHeardAt = Date.now()
      this.delegate.linkOpened(this)
    }
    channel.onmessage = (event: MessageEvent) => {
      this.lastHeardAt = Date.now()
      let message: ChannelMessage
      try {
        message = parseChannelMessage(event.data)
      } catch (error) {
        return this.delegate.linkError(this, error)
      }
      if (message.type === "Heartbeat") return
      if (message.type === "Bye") return this.end("bye")
      this.delegate.linkMessage(this, message)
    }
    channel.onclose = () => this.end("closed")
  }

  private iceStateChanged(state: RTCIceConnectionState): void {
    if (this.state !== "open") return
    if (state === "disconnected" && !this.interrupted) {
      this.interrupted = true
      this.delegate.linkInterrupted(this)
    } else if ((state === "connected" || state === "completed") && this.interrupted) {
      this.interrupted = false
      this.delegate.linkRestored(this)
    }
  }

  private beat(): void {
    const now = Date.now()
    if (this.state === "connecting") {
      if (now - this.startedAt > this.options.connectTimeoutMs) this.end("failed")
      return
    }
    if (now - this.lastHeardAt > this.options.idleTimeoutMs) return this.end("idle_timeout")
    this.send({ type: "Heartbeat" })
  }

  private sendDescription(state: "SdpOffer" | "SdpAnswer"): void {
    const description = this.pc.localDescription
    if (!description || this.state === "ended") return
    this.delegate.linkSignal(this, { state, sdp: { type: description.type, sdp: description.sdp } })
  }

  private async flushCandidates(): Promise<void> {
    const pending = this.pendingCandidates
    this.pendingCandidates = []
    for (const candidate of pending) await this.pc.addIceCandidate(candidate)
  }

  private async guard(step: () => Promise<void>): Promise<void> {
    if (this.state === "ended") return
    try {
      await step()
    } catch (error) {
      if (this.isEnded) return
      this.delegate.linkError(this, error)
      this.end("failed")
    }
  }
}
