import { CHUNK_HEADER_BYTES, decodeDataFrame, MAX_FRAME_BYTES, type DataFrame } from "../protocol/DataFrame.js"
import { parseChannelMessage, type ChannelMessage } from "../protocol/PeerMessage.js"
import type { IceCandidateInit, SessionDescription } from "../protocol/Signal.js"
import { LinkMedia } from "./media/LinkMedia.js"

/**
 * A link's data channels: `main` (reliable, ordered) for messages and the session's own traffic,
 * `bulk` (reliable, ordered) for streams — large messages and files — so they never queue ahead
 * of a chat line, and `realtime` (unordered, no retransmits) for `send(data, { reliable: false })`.
 */
export type Lane = "main" | "bulk" | "realtime"

const LABELS: Record<Lane, string> = { main: "p2p-streams-channel", bulk: "p2p-bulk", realtime: "p2p-realtime" }

/** Why a link ended. */
export type LinkEndReason = "closed" | "bye" | "idle_timeout" | "failed" | "replaced" | "stopped"

export interface PeerLinkDelegate {
  linkSignal(link: PeerLink, signal: { state: "SdpOffer" | "SdpAnswer"; sdp: SessionDescription } | { state: "IceCandidate"; candidate: IceCandidateInit }): void
  linkOpened(link: PeerLink): void
  linkMessage(link: PeerLink, message: ChannelMessage, lane: Lane): void
  /** A binary frame arrived; `bytes` is the whole frame, as received. */
  linkFrame(link: PeerLink, frame: DataFrame, bytes: Uint8Array, lane: Lane): void
  /** The bulk lane has room again: streams waiting on this link may go on. */
  linkBulkDrained(link: PeerLink): void
  /** A media track arrived, as part of `stream`. */
  linkTrack(link: PeerLink, track: MediaStreamTrack, stream: MediaStream): void
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
/**
 * A stream chunk frame is at most this long: the frame limit every browser takes. Measured with
 * bench:files, 32 KiB chunks cost host → client throughput (0.81× against 0.96× a raw channel) and
 * did not reliably shorten chat's delay during a fan-out, which CPU contention dominates here.
 */
export const STREAM_CHUNK_BYTES = MAX_FRAME_BYTES
/** A spare link unused for this long is replaced by a fresh one. */
const SPARE_MAX_AGE_MS = 60_000
/** The outbox holds at most this much; past it, `send` refuses. */
const OUTBOX_LIMIT = 16 << 20
/**
 * The bulk lane takes chunks while less than this is buffered; the rest wait in its outbox (bounded
 * by the stream window). Kept shallow: deeper queues made Chromium's SCTP stall for seconds on some
 * links when the host fanned a file out to several clients (see docs/architecture.md).
 */
const BULK_HIGH_WATER = 64 << 10
/** The real-time lane drops a message rather than buffer more than this: late is as good as lost. */
const REALTIME_HIGH_WATER = 256 << 10

export type RTCPeerConnectionConstructor = new (configuration?: RTCConfiguration) => RTCPeerConnection

export interface PeerLinkOptions {
  RTCPeerConnection: RTCPeerConnectionConstructor
  iceServers: RTCIceServer[]
  iceTransportPolicy: RTCIceTransportPolicy
  heartbeatIntervalMs: number
  idleTimeoutMs: number
  /** How long negotiation may take before the link is given up. */
  connectTimeoutMs: number
  /** A peer connection made ahead of time with these options, taken by the next link (undefined: make one). */
  takeStandby?: () => RTCPeerConnection | undefined
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
  private readonly lanes: Partial<Record<Lane, RTCDataChannel>> = {}
  private bulkOutbox: (string | Uint8Array)[] = []
  private bulkOutboxBytes = 0
  private pendingCandidates: IceCandidateInit[] = []
  private lastHeardAt = Date.now()
  private readonly timer: ReturnType<typeof setInterval>
  private startedAt = Date.now()
  /** A spare's signals, held until {@link assign} names its peer. */
  private held: Array<Parameters<PeerLinkDelegate["linkSignal"]>[1]> | undefined
  private interrupted = false
  private outbox: (string | Uint8Array)[] = []
  private outboxBytes = 0
  /** Media tracks on this link, renegotiated over its data channel once open. */
  readonly media: LinkMedia

  /** `polite`: the client's side, which yields when renegotiation offers cross (the host's does not). */
  constructor(
    public remotePeerId: string,
    private readonly options: PeerLinkOptions,
    private readonly delegate: PeerLinkDelegate,
    polite = false,
  ) {
    this.pc = options.takeStandby?.() ?? new options.RTCPeerConnection({ iceServers: options.iceServers, iceTransportPolicy: options.iceTransportPolicy })
    this.media = new LinkMedia(this.pc, polite, (message) => this.send(message), (track, stream) => this.delegate.linkTrack(this, track, stream), (error) => this.delegate.linkError(this, error))
    this.pc.onicecandidate = (event) => {
      const candidate = event.candidate
      if (!candidate || !candidate.candidate || this.state === "ended") return
      const init = { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex }
      // Once open, the link carries its own renegotiation; before, signaling does.
      if (this.state === "open") this.send({ type: "NegotiateIce", candidate: init })
      else this.signal({ state: "IceCandidate", candidate: init })
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

  /**
   * As the host, before any client asks: a link whose offer (and ICE gathering) is done ahead of
   * time, so a joining client gets its offer at once. Its signals wait until {@link assign}.
   */
  static spare(options: PeerLinkOptions, delegate: PeerLinkDelegate): PeerLink {
    const link = new PeerLink("", options, delegate)
    link.held = []
    void link.offer()
    return link
  }

  /** A spare whose offer is made, waiting for a client. */
  get ready(): boolean {
    return this.held !== undefined && this.state === "connecting" && this.pc.localDescription !== null
  }

  /**
   * Gives a spare to the client `peerId`: its offer and candidates go out now — in one message when
   * gathering is complete (the local description then lists every candidate).
   */
  assign(peerId: string): void {
    this.remotePeerId = peerId
    this.startedAt = Date.now()
    const held = this.held ?? []
    this.held = undefined
    const description = this.pc.localDescription
    if (this.pc.iceGatheringState === "complete" && description) {
      return this.delegate.linkSignal(this, { state: "SdpOffer", sdp: { type: description.type, sdp: description.sdp } })
    }
    for (const signal of held) this.delegate.linkSignal(this, signal)
  }

  /** As the host: opens the data channels and sends the offer. */
  async offer(): Promise<void> {
    this.adopt(this.pc.createDataChannel(LABELS.main, { ordered: true }))
    this.adopt(this.pc.createDataChannel(LABELS.bulk, { ordered: true }))
    this.adopt(this.pc.createDataChannel(LABELS.realtime, { ordered: false, maxRetransmits: 0 }))
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
   * The largest chunk payload this link carries: the connection's `maxMessageSize`, capped at
   * {@link STREAM_CHUNK_BYTES}.
   */
  get maxChunkBytes(): number {
    const size = (this.pc as { sctp?: { maxMessageSize?: number } | null }).sctp?.maxMessageSize
    return (size && size > 0 ? Math.min(size, STREAM_CHUNK_BYTES) : STREAM_CHUNK_BYTES) - CHUNK_HEADER_BYTES
  }

  /**
   * Sends one message on the main lane, in order. When the channel's buffer is full the message
   * waits in an outbox that drains as the buffer does; false when the channel is not open or the
   * outbox is full.
   */
  send(message: ChannelMessage): boolean {
    return this.sendText(JSON.stringify(message))
  }

  /** Sends a message already encoded (the host encodes a relayed message once for every link); text or a binary frame. */
  sendText(frame: string | Uint8Array): boolean {
    const channel = this.channel
    if (this.state !== "open" || channel?.readyState !== "open") return false
    const size = typeof frame === "string" ? frame.length : frame.byteLength
    if (this.outbox.length > 0 || channel.bufferedAmount > HIGH_WATER) {
      if (this.outboxBytes + size > OUTBOX_LIMIT) return false
      this.outbox.push(frame)
      this.outboxBytes += size
      return true
    }
    return transmit(channel, frame)
  }

  /** Sends on the real-time lane, or drops it (false) when that lane is not open or is backed up. */
  sendRealtime(frame: string | Uint8Array): boolean {
    const channel = this.lanes.realtime
    if (this.state !== "open" || channel?.readyState !== "open" || channel.bufferedAmount > REALTIME_HIGH_WATER) return false
    return transmit(channel, frame)
  }

  /**
   * Sends on the bulk lane, in order. Always taken while the link lives: what the channel cannot
   * buffer yet waits in the lane's outbox, whose size the senders bound (see {@link bulkBacklog}).
   */
  sendBulk(frame: string | Uint8Array): boolean {
    if (this.state === "ended") return false
    const channel = this.lanes.bulk
    const size = typeof frame === "string" ? frame.length : frame.byteLength
    if (this.bulkOutbox.length > 0 || channel?.readyState !== "open" || channel.bufferedAmount > BULK_HIGH_WATER) {
      this.bulkOutbox.push(frame)
      this.bulkOutboxBytes += size
      return true
    }
    return transmit(channel, frame)
  }

  /** Bytes on the bulk lane not yet handed to the network: a sender waits while this is high. */
  get bulkBacklog(): number {
    const channel = this.lanes.bulk
    return this.bulkOutboxBytes + (channel?.readyState === "open" ? channel.bufferedAmount : 0)
  }

  /** Whether a stream sender may put another chunk on this link now. */
  get bulkWritable(): boolean {
    return this.state === "open" && this.bulkBacklog < BULK_HIGH_WATER
  }

  private drain(): void {
    const channel = this.channel
    if (!channel || channel.readyState !== "open") return
    while (this.outbox.length > 0 && channel.bufferedAmount <= HIGH_WATER) {
      const frame = this.outbox.shift() as string | Uint8Array
      this.outboxBytes -= typeof frame === "string" ? frame.length : frame.byteLength
      transmit(channel, frame)
    }
  }

  private drainBulk(): void {
    const channel = this.lanes.bulk
    if (!channel || channel.readyState !== "open" || this.state === "ended") return
    const outbox = this.bulkOutbox
    while (outbox.length > 0 && channel.bufferedAmount <= BULK_HIGH_WATER) {
      const frame = outbox.shift() as string | Uint8Array
      this.bulkOutboxBytes -= typeof frame === "string" ? frame.length : frame.byteLength
      transmit(channel, frame)
    }
    if (this.bulkBacklog < BULK_HIGH_WATER) this.delegate.linkBulkDrained(this)
  }

  /** Ends the link; with `sayBye`, tells the other side first so it need not wait for a timeout. */
  end(reason: LinkEndReason, { sayBye = false } = {}): void {
    if (this.state === "ended") return
    if (sayBye) this.send({ type: "Bye" })
    this.state = "ended"
    clearInterval(this.timer)
    for (const channel of Object.values(this.lanes)) channel.onclose = channel.onmessage = channel.onopen = channel.onbufferedamountlow = null
    this.outbox = []
    this.bulkOutbox = []
    this.bulkOutboxBytes = 0
    this.pc.onicecandidate = this.pc.onconnectionstatechange = this.pc.ondatachannel = this.pc.oniceconnectionstatechange = null
    try {
      this.pc.close()
    } catch {
      // already closed
    }
    this.delegate.linkEnded(this, reason)
  }

  private adopt(channel: RTCDataChannel): void {
    const lane = (Object.keys(LABELS) as Lane[]).find((name) => LABELS[name] === channel.label)
    if (!lane || this.lanes[lane]) return channel.close()
    this.lanes[lane] = channel
    channel.binaryType = "arraybuffer"
    channel.onmessage = (event: MessageEvent) => this.received(event.data, lane)
    if (lane === "bulk") {
      channel.bufferedAmountLowThreshold = BULK_HIGH_WATER / 2
      channel.onbufferedamountlow = () => this.drainBulk()
      channel.onopen = () => this.drainBulk()
      return
    }
    if (lane === "realtime") return
    this.channel = channel
    channel.bufferedAmountLowThreshold = LOW_WATER
    channel.onbufferedamountlow = () => this.drain()
    channel.onopen = () => {
      if (this.state !== "connecting") return
      this.state = "open"
      this.lastHeardAt = Date.now()
      this.media.enable()
      this.delegate.linkOpened(this)
    }
    channel.onclose = () => this.end("closed")
  }

  private received(data: unknown, lane: Lane): void {
    if (this.state === "ended") return
    this.lastHeardAt = Date.now()
    if (typeof data !== "string") {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : undefined
      if (!bytes) return
      let frame: DataFrame
      try {
        frame = decodeDataFrame(bytes)
      } catch (error) {
        return this.delegate.linkError(this, error)
      }
      return this.delegate.linkFrame(this, frame, bytes, lane)
    }
    let message: ChannelMessage
    try {
      message = parseChannelMessage(data)
    } catch (error) {
      return this.delegate.linkError(this, error)
    }
    if (message.type === "Heartbeat") return
    if (message.type === "Bye") return this.end("bye")
    if (message.type === "Negotiate") return void this.media.described(message.description as RTCSessionDescriptionInit)
    if (message.type === "NegotiateIce") return void this.media.candidate(message.candidate)
    if (message.type === "NegotiateTurn") return this.media.turn()
    this.delegate.linkMessage(this, message, lane)
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
    // An unused spare waits without a deadline, but is renewed now and then (TURN allocations age).
    if (this.held) {
      if (now - this.startedAt > SPARE_MAX_AGE_MS) this.end("stopped")
      return
    }
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
    this.signal({ state, sdp: { type: description.type, sdp: description.sdp } })
  }

  private signal(signal: Parameters<PeerLinkDelegate["linkSignal"]>[1]): void {
    if (this.held) this.held.push(signal)
    else this.delegate.linkSignal(this, signal)
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

function transmit(channel: RTCDataChannel, frame: string | Uint8Array): boolean {
  try {
    if (typeof frame === "string") channel.send(frame)
    else channel.send(frame as Uint8Array<ArrayBuffer>)
    return true
  } catch {
    return false
  }
}
