import type { ChannelMessage } from "../../protocol/PeerMessage.js"

/**
 * The media half of one link: tracks sent and received on its peer connection, and renegotiation
 * over the link's own data channel once it is open ("perfect negotiation": the host is impolite
 * and wins when offers cross, the client is polite and rolls back). Before the link opens nothing
 * is renegotiated; tracks are added once it is.
 */
export class LinkMedia {
  private makingOffer = false
  private ignoreOffer = false
  /** An answer is being applied: the state is not stable yet, but an offer after it is no collision. */
  private settingRemoteAnswer = false
  private enabled = false
  private readonly senders = new Map<string, Map<MediaStreamTrack, RTCRtpSender>>()
  /** Bitrate caps (bits per second) per stream, applied to its video senders once negotiated. */
  private readonly caps = new Map<string, number>()

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly polite: boolean,
    private readonly send: (message: ChannelMessage) => boolean,
    private readonly trackArrived: (track: MediaStreamTrack, stream: MediaStream) => void,
    private readonly failed: (error: unknown) => void,
  ) {
    if (typeof pc.addTrack !== "function") return
    pc.onnegotiationneeded = () => void this.negotiate()
    pc.onsignalingstatechange = () => {
      if (pc.signalingState === "stable") this.applyCaps()
    }
    pc.ontrack = (event) => {
      const [stream] = event.streams
      if (stream) this.trackArrived(event.track, stream)
    }
  }

  /** Whether this peer connection can carry media at all (node-datachannel's cannot). */
  get supported(): boolean {
    return typeof this.pc.addTrack === "function"
  }

  /** The link is open: renegotiation may begin. */
  enable(): void {
    this.enabled = true
    if (this.senders.size > 0) void this.negotiate()
  }

  /** Sends `track` as part of `stream` (idempotent). */
  addTrack(track: MediaStreamTrack, stream: MediaStream): void {
    if (!this.supported) return
    let senders = this.senders.get(stream.id)
    if (!senders) this.senders.set(stream.id, (senders = new Map()))
    if (senders.has(track)) return
    senders.set(track, this.pc.addTrack(track, stream))
  }

  addStream(stream: MediaStream, maxBitrate?: number): void {
    if (maxBitrate !== undefined) this.caps.set(stream.id, maxBitrate)
    for (const track of stream.getTracks()) this.addTrack(track, stream)
  }

  /** Caps the bitrate of stream `streamId`'s video on this link (bits per second). */
  capStream(streamId: string, maxBitrate: number): void {
    this.caps.set(streamId, maxBitrate)
    this.applyCaps()
  }

  /** Stops sending every track of stream `streamId`. */
  removeStream(streamId: string): void {
    const senders = this.senders.get(streamId)
    if (!senders) return
    this.senders.delete(streamId)
    this.caps.delete(streamId)
    for (const sender of senders.values()) {
      try {
        this.pc.removeTrack(sender)
      } catch {
        // the connection is closing
      }
    }
  }

  hasStream(streamId: string): boolean {
    return this.senders.has(streamId)
  }

  /** A description from the other side, over the data channel. */
  async described(description: RTCSessionDescriptionInit): Promise<void> {
    try {
      // Without the answer's case, the host took an offer that came right after its own was answered
      // for a collision and dropped it, and the client waited for an answer forever.
      const readyForOffer = !this.makingOffer && (this.pc.signalingState === "stable" || this.settingRemoteAnswer)
      const collision = description.type === "offer" && !readyForOffer
      this.ignoreOffer = !this.polite && collision
      if (this.ignoreOffer) return
      this.settingRemoteAnswer = description.type === "answer"
      try {
        await this.pc.setRemoteDescription(description)
      } finally {
        this.settingRemoteAnswer = false
      }
      if (description.type !== "offer") return
      await this.pc.setLocalDescription()
      const local = this.pc.localDescription
      if (local) this.send({ type: "Negotiate", description: { type: local.type, sdp: local.sdp } })
    } catch (error) {
      this.failed(error)
    }
  }

  /** A candidate from the other side, over the data channel. */
  async candidate(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await this.pc.addIceCandidate(candidate)
    } catch (error) {
      if (!this.ignoreOffer) this.failed(error)
    }
  }

  private applyCaps(): void {
    for (const [streamId, maxBitrate] of this.caps) {
      for (const [track, sender] of this.senders.get(streamId) ?? []) {
        if (track.kind !== "video") continue
        const parameters = sender.getParameters()
        const [encoding] = parameters.encodings ?? []
        if (!encoding || encoding.maxBitrate === maxBitrate) continue
        encoding.maxBitrate = maxBitrate
        sender.setParameters(parameters).catch(() => {
          // renegotiating at this moment: applied again when it is stable
        })
      }
    }
  }

  private async negotiate(): Promise<void> {
    if (!this.enabled) return
    try {
      this.makingOffer = true
      await this.pc.setLocalDescription()
      const local = this.pc.localDescription
      if (local) this.send({ type: "Negotiate", description: { type: local.type, sdp: local.sdp } })
    } catch (error) {
      this.failed(error)
    } finally {
      this.makingOffer = false
    }
  }
}
