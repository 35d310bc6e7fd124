import type { ChannelMessage } from "../../protocol/PeerMessage.js"

/** How long a client waits for the host to give it the turn before it offers anyway. */
const TURN_WAIT_MS = 2000
/** How long the host holds its own offers back for a client that was given the turn. */
const TURN_HOLD_MS = 5000

/**
 * The media half of one link: tracks sent and received on its peer connection, and renegotiation
 * over the link's own data channel once it is open. Before the link opens nothing is renegotiated;
 * tracks are added once it is.
 *
 * Offers take turns so that they do not cross: a client asks the host for the turn
 * (`NegotiateTurn`), and the host grants it when it is stable and holds its own offers back until
 * the client's offer is answered. Chromium cannot answer an offer once it rolled back one of its own
 * for the same new tracks (it keeps the rolled-back RTP header extension ids, and refuses a Firefox
 * offer that uses them otherwise). Should offers still cross (a turn not granted in time), "perfect
 * negotiation" resolves it: the host is impolite and wins, the client is polite and rolls back.
 */
export class LinkMedia {
  private makingOffer = false
  private ignoreOffer = false
  /** An answer is being applied: the state is not stable yet, but an offer after it is no collision. */
  private settingRemoteAnswer = false
  private enabled = false
  /** Client: the turn was asked for and not yet given (the timer offers anyway). Host: the client holds the turn. */
  private turnTimer: ReturnType<typeof setTimeout> | undefined
  /** Host: a client asked for the turn while this side was not stable. */
  private turnAsked = false
  /** Host: an offer of its own waits for the client's turn to end. */
  private offerHeld = false
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
    pc.onnegotiationneeded = () => this.negotiationNeeded()
    pc.onsignalingstatechange = () => {
      if (pc.signalingState !== "stable") return
      this.applyCaps()
      this.giveTurnIfFree()
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
    if (this.senders.size > 0) this.negotiationNeeded()
  }

  /** The other side asked for the turn (to the host), or gave it (to a client). */
  turn(): void {
    if (this.polite) {
      if (this.turnTimer === undefined) return
      this.endTurn()
      void this.negotiate()
      return
    }
    this.turnAsked = true
    this.giveTurnIfFree()
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
      // The client's offer is answered: its turn is over, and the host's held offer may go.
      if (!this.polite && this.turnTimer !== undefined) this.takeTurnBack()
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

  private negotiationNeeded(): void {
    if (!this.enabled || this.pc.signalingState === "closed") return
    if (this.polite) return this.askTurn()
    if (this.turnTimer !== undefined) return void (this.offerHeld = true)
    void this.negotiate()
  }

  /** Client: asks the host for the turn, and offers anyway if it does not come in time. */
  private askTurn(): void {
    if (this.turnTimer !== undefined) return
    this.turnTimer = setTimeout(() => {
      this.turnTimer = undefined
      void this.negotiate()
    }, TURN_WAIT_MS)
    this.send({ type: "NegotiateTurn" })
  }

  /** Host: gives an asking client the turn once nothing of its own is under way; takes it back if no offer comes in time. */
  private giveTurnIfFree(): void {
    if (!this.turnAsked || this.turnTimer !== undefined || this.makingOffer || this.pc.signalingState !== "stable") return
    this.turnAsked = false
    this.turnTimer = setTimeout(() => this.takeTurnBack(), TURN_HOLD_MS)
    this.send({ type: "NegotiateTurn" })
  }

  private takeTurnBack(): void {
    this.endTurn()
    if (this.offerHeld) {
      this.offerHeld = false
      this.negotiationNeeded()
    }
    this.giveTurnIfFree()
  }

  private endTurn(): void {
    clearTimeout(this.turnTimer)
    this.turnTimer = undefined
  }

  private async negotiate(): Promise<void> {
    if (!this.enabled || this.pc.signalingState === "closed") return
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
