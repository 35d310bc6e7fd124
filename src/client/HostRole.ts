import type { DataFrame } from "../protocol/DataFrame.js"
import { encodeMessageFrame } from "../protocol/DataFrame.js"
import type { ChannelMessage, ConnectionStateMessage, DataMessage, PeerState } from "../protocol/PeerMessage.js"
import type { ServerSignal } from "../protocol/Signal.js"
import { IncomingFile, type OutgoingFile } from "./data/FileTransfer.js"
import { IncomingStream } from "./data/IncomingStream.js"
import { acceptStream, echo, encodeMessage, frameMessage, streamMessage } from "./data/messages.js"
import type { Payload, SendOptions } from "./data/payload.js"
import { StreamRelay } from "./data/StreamRelay.js"
import { StreamSender } from "./data/StreamSender.js"
import { HostMedia } from "./media/HostMedia.js"
import { linkFailure, P2pError } from "./P2pError.js"
import { PeerLink, type Lane, type LinkEndReason, type PeerLinkDelegate } from "./PeerLink.js"
import type { RoleContext } from "./RoleContext.js"

type PeerSignalIn = Extract<ServerSignal, { state: "SdpOffer" | "SdpAnswer" | "IceCandidate" }>

/**
 * The host: one link per client, relays every message to everyone (or to the one peer it names),
 * forwards streams chunk by chunk, and reports everyone's state.
 */
export class HostRole implements PeerLinkDelegate {
  readonly kind = "host"
  private readonly links = new Map<string, PeerLink>()
  private readonly states = new Map<string, PeerState>()
  private streamIds = 0
  private readonly sender = new StreamSender(() => this.nextStreamId())
  private readonly relay: StreamRelay
  private readonly sweeper: ReturnType<typeof setInterval>
  private readonly media: HostMedia
  /** Links with their offer made ahead of time, for the next clients to join (see `PeerLink.spare`). */
  private spares: PeerLink[] = []
  private spareTimer: ReturnType<typeof setTimeout> | undefined
  private statesTimer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly context: RoleContext) {
    this.states.set(context.peerId, "connected")
    const { maxStreamsPerPeer, streamIdleTimeoutMs } = context.streamLimits
    this.relay = new StreamRelay(
      {
        peerId: context.peerId,
        links: () => this.links,
        nextId: () => this.nextStreamId(),
        receiveLocally: (open, senderId, ack, cancel) => {
          const stream = acceptStream(open, senderId, context.streamLimits.maxMessageBytes, ack, cancel)
          if ("refused" in stream) {
            context.reportError(new P2pError("bad_message", `refused a message from ${senderId}: ${stream.message}`))
            return undefined
          }
          if (stream instanceof IncomingFile) context.fileArrived(stream)
          return stream
        },
        localComplete: (stream) => {
          if (stream instanceof IncomingStream) this.deliverStream(stream)
        },
        localCancelled: (stream, reason, message) => {
          if (stream instanceof IncomingFile) stream.remoteEnded(reason, message)
        },
        refused: (link, message) => context.reportError(new P2pError("bad_message", `${link.remotePeerId}: ${message}`)),
      },
      { maxStreamsPerPeer, streamIdleTimeoutMs },
    )
    this.sweeper = setInterval(() => this.relay.sweep(), Math.min(5000, streamIdleTimeoutMs))
    this.media = new HostMedia(context.peerId, () => this.links.values(), context.published(), context.mediaEvents, (link, message) =>
      context.reportError(new P2pError("bad_message", `${link.remotePeerId}: ${message}`)),
    )
  }

  /** The host's own stream: sent to every client. */
  publish(stream: MediaStream, name: string, maxBitrate?: number): void {
    this.media.publish(stream, name, maxBitrate)
  }

  unpublish(streamId: string): void {
    this.media.unpublish(streamId)
  }

  start(): void {
    this.context.setState("connected")
    this.broadcastStates()
    this.refillSpares()
  }

  /** A client joined (or joined again after a reload): offer it a fresh link, one made ahead of time when there is one. */
  clientJoined(clientPeerId: string): void {
    this.links.get(clientPeerId)?.end("replaced")
    const index = this.spares.findIndex((spare) => spare.ready)
    const link = index >= 0 ? this.spares.splice(index, 1)[0]! : new PeerLink(clientPeerId, this.context.linkOptions, this)
    this.links.set(clientPeerId, link)
    this.states.set(clientPeerId, "connecting")
    this.broadcastStates()
    if (index >= 0) link.assign(clientPeerId)
    else void link.offer()
    // Make the next spares once this negotiation has had the CPU.
    clearTimeout(this.spareTimer)
    this.spareTimer = setTimeout(() => this.refillSpares(), SPARE_REFILL_DELAY_MS)
  }

  private refillSpares(): void {
    this.spares = this.spares.filter((spare) => !spare.isEnded)
    while (this.spares.length < SPARES) this.spares.push(PeerLink.spare(this.context.linkOptions, this))
  }

  signal(signal: PeerSignalIn): void {
    const link = this.links.get(signal.peer_id)
    if (!link) return
    if (signal.state === "SdpAnswer") void link.acceptAnswer(signal.sdp)
    else if (signal.state === "SdpOffer") void link.acceptOffer(signal.sdp) // the client restarts ICE
    else if (signal.state === "IceCandidate") void link.addCandidate(signal.candidate)
  }

  /** The host's own message: shown here (unless it is for one other peer) and sent on the links it is for. */
  send(payload: Payload, options: SendOptions): boolean {
    const { to } = options
    const lane: Lane = options.reliable === false ? "realtime" : "main"
    if (to !== undefined && to !== this.context.peerId && !this.links.has(to)) {
      this.context.reportError(new P2pError("peer_not_found", `peer ${to} is not in the session`))
      return false
    }
    const encoded = encodeMessage(payload, this.context.peerId, to)
    if ("frame" in encoded) {
      if (to === undefined || to === this.context.peerId) this.echo(payload, to)
      if (to === this.context.peerId) return true
      const targets = to === undefined ? [...this.links.values()] : [this.links.get(to)!]
      for (const link of targets) lane === "realtime" ? link.sendRealtime(encoded.frame) : link.sendText(encoded.frame)
      return true
    }
    if (lane === "realtime") {
      this.context.reportError(new P2pError("unsupported_data", "the message is larger than one frame, too large for the real-time lane (reliable: false); send it reliably"))
      return false
    }
    const links = to === undefined ? this.openLinks() : to === this.context.peerId ? [] : [this.links.get(to)!]
    this.sender.open(encoded.stream, { kind: encoded.kind, ...(to === undefined ? {} : { to }) }, links, this.context.peerId, {
      onProgress: () => {},
      onEnd: (outcome) => {
        if (!outcome.done) return this.context.reportError(new P2pError("send_failed", `a message did not reach its receivers: ${outcome.reason} (${outcome.message})`))
        if (to === undefined || to === this.context.peerId) this.echo(payload, to)
      },
    })
    return true
  }

  /** The host's own file: to each client it is for, directly. */
  sendFile(file: OutgoingFile, blob: Blob): void {
    const to = file.to
    if (to !== undefined && !this.links.has(to)) {
      return file.finish({ status: "failed", reason: "peer_not_found", message: `peer ${to} is not in the session` })
    }
    this.sender.sendFile(file, blob, to === undefined ? this.openLinks() : [this.links.get(to)!], this.context.peerId)
  }

  get peerStates(): Record<string, PeerState> {
    return Object.fromEntries(this.states)
  }

  /** After a signaling reconnect the server may have lost its state: report the connected clients again. */
  reregistered(): void {
    for (const [peerId, state] of this.states) {
      if (peerId !== this.context.peerId && state === "connected") this.context.sendSignal({ state: "PeerConnected", client_peer_id: peerId })
    }
  }

  stop(): void {
    clearInterval(this.sweeper)
    clearTimeout(this.spareTimer)
    clearTimeout(this.statesTimer)
    this.statesTimer = undefined
    for (const spare of this.spares) spare.end("stopped")
    this.spares = []
    this.media.stop()
    this.relay.stop()
    this.sender.stop("host_left", "the host left")
    for (const link of [...this.links.values()]) link.end("stopped", { sayBye: true })
  }

  linkSignal(link: PeerLink, signal: Parameters<PeerLinkDelegate["linkSignal"]>[1]): void {
    this.context.sendSignal({ ...signal, to_peer_id: link.remotePeerId })
  }

  linkOpened(link: PeerLink): void {
    this.states.set(link.remotePeerId, "connected")
    this.broadcastStates()
    this.context.sendSignal({ state: "PeerConnected", client_peer_id: link.remotePeerId })
    this.media.linkOpened(link)
  }

  linkMessage(link: PeerLink, message: ChannelMessage, lane: Lane): void {
    switch (message.type) {
      case "Data": {
        // The host stamps who sent it, and routes it.
        const to = message.to
        if (!this.routable(link, to)) return
        const stamped = withTo({ type: "Data", senderId: link.remotePeerId, data: message.data }, to)
        return this.route(to, lane, JSON.stringify(stamped), stamped)
      }
      case "StreamOpen":
        return this.relay.opened(link, message)
      case "Publish":
        return this.media.published(link, message.streamId, message.name, message.maxBitrate)
      case "Unpublish":
        return this.media.unpublished(link, message.streamId)
      case "StreamAck":
        if (!this.relay.acked(link, message.id, message.bytes) && !this.sender.acked(link, message.id, message.bytes)) this.strayStream(link, message.id)
        return
      case "StreamCancel":
        if (!this.relay.cancelled(link, message.id, message.reason, message.message ?? "") && !this.sender.cancelled(link, message.id, message.reason, message.message ?? "")) {
          this.strayStream(link, message.id)
        }
        return
      default:
        // Clients send nothing else the host acts on.
        return
    }
  }

  linkFrame(link: PeerLink, frame: DataFrame, bytes: Uint8Array, lane: Lane): void {
    if (frame.kind === "chunk") return this.relay.chunk(link, frame.streamId, frame.payload, bytes)
    if (!this.routable(link, frame.to)) return
    const stamped = encodeMessageFrame({ ...frame, senderId: link.remotePeerId })
    this.route(frame.to, lane, stamped, frameMessage({ ...frame, senderId: link.remotePeerId }, link.remotePeerId))
  }

  linkBulkDrained(): void {
    this.sender.pump()
  }

  linkTrack(link: PeerLink, track: MediaStreamTrack, stream: MediaStream): void {
    this.media.trackArrived(link, track, stream)
  }

  linkEnded(link: PeerLink, reason: LinkEndReason): void {
    if (this.links.get(link.remotePeerId) !== link) return
    this.links.delete(link.remotePeerId)
    this.media.linkEnded(link)
    this.relay.linkEnded(link)
    this.sender.linkEnded(link, "failed", `${link.remotePeerId} left`)
    if (reason === "stopped" || reason === "replaced") return
    this.states.set(link.remotePeerId, "disconnected")
    this.broadcastStates()
    this.context.sendSignal({ state: "PeerDisconnected", client_peer_id: link.remotePeerId })
  }

  linkError(link: PeerLink, error: unknown): void {
    this.context.reportError(linkFailure(link.remotePeerId, error))
  }

  // Restarting ICE is the client's move (it is the one that may need signaling back); the host answers.
  linkInterrupted(): void {}

  linkRestored(): void {}

  private openLinks(): PeerLink[] {
    return [...this.links.values()].filter((link) => link.state === "open")
  }

  private nextStreamId(): number {
    this.streamIds = (this.streamIds + 1) >>> 0
    return this.streamIds
  }

  /** A message from `link` for `to`: fine when `to` is absent, the host, or a client; else the sender hears `peer_not_found`. */
  private routable(link: PeerLink, to: string | undefined): boolean {
    if (to === undefined || to === this.context.peerId || this.links.has(to)) return true
    link.sendText(JSON.stringify({ type: "Refused", code: "peer_not_found", message: `peer ${to} is not in the session` }))
    return false
  }

  /** Delivers a client's message: to everyone (the sender included) on the lane it came on, or to `to` alone. */
  private route(to: string | undefined, lane: Lane, frame: string | Uint8Array, message: DataMessage): void {
    if (to === undefined || to === this.context.peerId) this.context.deliver(message)
    if (to === this.context.peerId) return
    const targets = to === undefined ? this.links.values() : [this.links.get(to)!]
    for (const target of targets) lane === "realtime" ? target.sendRealtime(frame) : target.sendText(frame)
  }

  private echo(payload: Payload, to: string | undefined): void {
    echo(payload, (data) => this.context.deliver(withTo({ type: "Data", senderId: this.context.peerId, data }, to)))
  }

  private deliverStream(stream: IncomingStream): void {
    try {
      this.context.deliver(streamMessage(stream))
    } catch (error) {
      this.context.reportError(new P2pError("bad_message", `a message from ${stream.senderId} is not valid JSON`, { cause: error }))
    }
  }

  private strayStream(link: PeerLink, id: number): void {
    this.context.reportError(new P2pError("bad_message", `${link.remotePeerId}: a message about stream ${id}, which it has no part in; ignored`))
  }

  // Changes within STATES_COALESCE_MS go out as one broadcast: when N clients join at once, the
  // host sent every link every change (N² sends, each a few hundred microseconds on a busy page).
  private broadcastStates(): void {
    if (this.statesTimer !== undefined) return
    this.statesTimer = setTimeout(() => {
      this.statesTimer = undefined
      this.broadcast({ type: "Data.Connection.State", data: this.peerStates })
    }, STATES_COALESCE_MS)
  }

  /** Shows a message here and sends it on every link, encoded once. */
  private broadcast(message: DataMessage | ConnectionStateMessage): void {
    this.context.deliver(message)
    const text = JSON.stringify(message)
    for (const link of this.links.values()) link.sendText(text)
  }
}

/** Offers kept ready for joining clients, and how long after a join to make new ones. */
const SPARES = 4
const SPARE_REFILL_DELAY_MS = 500
const STATES_COALESCE_MS = 20

function withTo(message: DataMessage, to: string | undefined): DataMessage {
  if (to !== undefined) message.to = to
  return message
}
