import type { DataFrame } from "../protocol/DataFrame.js"
import type { ChannelMessage, PeerState } from "../protocol/PeerMessage.js"
import type { ServerSignal } from "../protocol/Signal.js"
import { IncomingFile, type OutgoingFile } from "./data/FileTransfer.js"
import { acceptStream, echo, encodeMessage, frameMessage, streamMessage, type StreamSink } from "./data/messages.js"
import type { Payload, SendOptions } from "./data/payload.js"
import { StreamSender } from "./data/StreamSender.js"
import { ClientMedia } from "./media/ClientMedia.js"
import { linkFailure, P2pError } from "./P2pError.js"
import { PeerLink, type Lane, type LinkEndReason, type PeerLinkDelegate } from "./PeerLink.js"
import type { RoleContext } from "./RoleContext.js"

type PeerSignalIn = Extract<ServerSignal, { state: "SdpOffer" | "SdpAnswer" | "IceCandidate" }>

/** A client: one link to the host, which relays for it. */
export class ClientRole implements PeerLinkDelegate {
  readonly kind = "client"
  private link: PeerLink | undefined
  private states: Record<string, PeerState> = {}
  private readonly offerTimer: ReturnType<typeof setTimeout>
  private restartPending = false
  private streamIds = 0
  private readonly sender = new StreamSender(() => (this.streamIds = (this.streamIds + 1) >>> 0))
  private readonly incoming = new Map<number, StreamSink>()
  private readonly media: ClientMedia

  constructor(
    private readonly context: RoleContext,
    readonly hostPeerId: string,
  ) {
    // A host that never offers (gone, but not yet noticed by the server) must not strand us.
    this.offerTimer = setTimeout(() => {
      if (!this.link) this.context.hostLost()
    }, context.linkOptions.connectTimeoutMs)
    this.media = new ClientMedia(context.peerId, () => context.published(), context.mediaEvents)
  }

  /** This peer's stream: sent to the host, which forwards it to everyone. */
  publish(stream: MediaStream, name: string, maxBitrate?: number): void {
    this.media.publish(this.link, stream, name, maxBitrate)
  }

  unpublish(streamId: string): void {
    this.media.unpublish(this.link, streamId)
  }

  start(): void {
    this.context.setState("connecting")
  }

  get connected(): boolean {
    return this.link?.state === "open"
  }

  get peerStates(): Record<string, PeerState> {
    return { ...this.states }
  }

  signal(signal: PeerSignalIn): void {
    if (signal.peer_id !== this.hostPeerId) return
    if (signal.state === "SdpOffer") {
      this.link?.end("replaced")
      this.media.ended()
      this.link = new PeerLink(this.hostPeerId, this.context.linkOptions, this, true)
      void this.link.acceptOffer(signal.sdp)
    } else if (signal.state === "SdpAnswer") {
      void this.link?.acceptAnswer(signal.sdp)
    } else if (signal.state === "IceCandidate") {
      void this.link?.addCandidate(signal.candidate)
    }
  }

  /** Sends through the host: one frame on the main or real-time lane, or a stream on the bulk lane. */
  send(payload: Payload, options: SendOptions): boolean {
    const link = this.link
    if (!link) return false
    const { to } = options
    const encoded = encodeMessage(payload, undefined, to)
    if ("frame" in encoded) return options.reliable === false ? link.sendRealtime(encoded.frame) : link.sendText(encoded.frame)
    if (options.reliable === false) {
      this.context.reportError(new P2pError("unsupported_data", "the message is larger than one frame, too large for the real-time lane (reliable: false); send it reliably"))
      return false
    }
    this.sender.open(encoded.stream, { kind: encoded.kind, ...(to === undefined ? {} : { to }) }, [link], undefined, {
      onProgress: () => {},
      onEnd: (outcome) => {
        if (!outcome.done) return this.context.reportError(new P2pError(outcome.reason === "peer_not_found" ? "peer_not_found" : "send_failed", `a message did not reach its receivers: ${outcome.reason} (${outcome.message})`))
        // The host relays a stream to everyone but its sender: the sender sees its own here.
        if (to === undefined) echo(payload, (data) => this.context.deliver({ type: "Data", senderId: this.context.peerId, data }))
      },
    })
    return true
  }

  /** A file to send through the host. */
  sendFile(file: OutgoingFile, blob: Blob): void {
    const link = this.link
    if (!link || link.state !== "open") return file.finish({ status: "failed", reason: "failed", message: "not connected to the host" })
    this.sender.sendFile(file, blob, [link], undefined)
  }

  /** Signaling is back for a connected client: restart ICE if that is why it was wanted. */
  signalingReady(): void {
    if (!this.restartPending || !this.link) return
    this.restartPending = false
    void this.link.restartIce()
  }

  stop(): void {
    clearTimeout(this.offerTimer)
    this.sender.stop("host_left", "this peer left")
    this.endIncoming("host_left", "this peer left")
    this.media.ended()
    this.link?.end("stopped", { sayBye: true })
  }

  linkSignal(link: PeerLink, signal: Parameters<PeerLinkDelegate["linkSignal"]>[1]): void {
    this.context.sendSignal({ ...signal, to_peer_id: link.remotePeerId })
  }

  linkOpened(link: PeerLink): void {
    this.media.linkOpened(link)
    clearTimeout(this.offerTimer)
    this.context.setState("connected")
    this.context.connectedToHost()
  }

  linkMessage(link: PeerLink, message: ChannelMessage): void {
    switch (message.type) {
      case "Data": {
        const data = { type: "Data" as const, senderId: message.senderId ?? this.hostPeerId, data: message.data }
        return this.context.deliver(message.to === undefined ? data : { ...data, to: message.to })
      }
      case "Data.Connection.State":
        this.states = message.data
        return this.context.deliver(message)
      case "Media":
        return this.media.listed(message.streams)
      case "Refused":
        return this.context.reportError(new P2pError(message.code === "peer_not_found" ? "peer_not_found" : "send_failed", `the host did not deliver a message: ${message.message}`))
      case "StreamOpen":
        return this.streamOpened(link, message)
      case "StreamAck":
        this.sender.acked(link, message.id, message.bytes)
        return
      case "StreamCancel": {
        const sink = this.incoming.get(message.id)
        if (!sink) return void this.sender.cancelled(link, message.id, message.reason, message.message ?? "")
        this.incoming.delete(message.id)
        if (sink instanceof IncomingFile) sink.remoteEnded(message.reason, message.message ?? "")
        return
      }
    }
  }

  linkFrame(link: PeerLink, frame: DataFrame): void {
    if (frame.kind === "message") return this.context.deliver(frameMessage(frame, this.hostPeerId))
    const stream = this.incoming.get(frame.streamId)
    if (!stream) return // cancelled here a moment ago, or never opened: nothing to keep
    if (!stream.push(frame.payload)) {
      this.incoming.delete(frame.streamId)
      link.sendBulk(JSON.stringify({ type: "StreamCancel", id: frame.streamId, reason: "bad_stream", message: "more bytes than announced" }))
      return
    }
    if (!stream.complete) return
    this.incoming.delete(frame.streamId)
    if (stream instanceof IncomingFile) return
    try {
      this.context.deliver(streamMessage(stream))
    } catch (error) {
      this.context.reportError(new P2pError("bad_message", `a message from ${stream.senderId} is not valid JSON`, { cause: error }))
    }
  }

  linkBulkDrained(): void {
    this.sender.pump()
  }

  linkTrack(_link: PeerLink, _track: MediaStreamTrack, stream: MediaStream): void {
    this.media.trackArrived(stream)
  }

  private streamOpened(link: PeerLink, open: Extract<ChannelMessage, { type: "StreamOpen" }>): void {
    const senderId = open.senderId ?? this.hostPeerId
    const stream = acceptStream(
      open,
      senderId,
      this.context.streamLimits.maxMessageBytes,
      (bytes) => link.sendBulk(JSON.stringify({ type: "StreamAck", id: open.id, bytes })),
      (message) => {
        this.incoming.delete(open.id)
        link.sendBulk(JSON.stringify({ type: "StreamCancel", id: open.id, reason: "cancelled", message }))
      },
    )
    if ("refused" in stream) {
      this.context.reportError(new P2pError("bad_message", `refused a message from ${senderId}: ${stream.message}`))
      link.sendBulk(JSON.stringify({ type: "StreamCancel", id: open.id, reason: stream.refused, message: stream.message }))
      return
    }
    this.incoming.set(open.id, stream)
    if (stream instanceof IncomingFile) this.context.fileArrived(stream)
  }

  /** Files on their way here end: the link they came on is gone. */
  private endIncoming(reason: "host_left", message: string): void {
    for (const sink of this.incoming.values()) if (sink instanceof IncomingFile) sink.remoteEnded(reason, message)
    this.incoming.clear()
  }

  linkEnded(link: PeerLink, reason: LinkEndReason): void {
    if (this.link !== link) return
    this.link = undefined
    this.sender.linkEnded(link, "host_left", "the link to the host ended")
    this.endIncoming("host_left", "the link to the host ended")
    this.media.ended()
    if (reason === "stopped" || reason === "replaced") return
    clearTimeout(this.offerTimer)
    this.context.hostLost()
  }

  linkInterrupted(): void {
    this.restartPending = true
    this.context.needSignaling()
  }

  linkRestored(): void {
    this.restartPending = false
    this.context.connectedToHost()
  }

  linkError(link: PeerLink, error: unknown): void {
    this.context.reportError(linkFailure(link.remotePeerId, error))
  }
}
