import { restampChunkFrame } from "../../protocol/DataFrame.js"
import type { StreamCancelReason, StreamOpenMessage } from "../../protocol/PeerMessage.js"
import type { PeerLink } from "../PeerLink.js"
import type { StreamSink } from "./messages.js"
import { STREAM_WINDOW_BYTES } from "./StreamSender.js"

/** Limits the host applies to the streams clients send through it (options of `P2pConfig`). */
export interface RelayLimits {
  /** Streams one client may have open through the host at once. */
  maxStreamsPerPeer: number
  /** A stream with no chunk for this long is cancelled everywhere (`timed_out`). */
  streamIdleTimeoutMs: number
}

/** Where a relayed stream goes: a client's link, or this host itself. */
type Target = { link: PeerLink; acked: number } | { local: StreamSink; acked: number }

interface Relayed {
  from: PeerLink
  fromId: number
  outId: number
  open: StreamOpenMessage
  targets: Target[]
  received: number
  lastActivityAt: number
}

/** What the relay needs from the host. */
export interface RelayHost {
  readonly peerId: string
  /** Every client link, by peer id. */
  links(): ReadonlyMap<string, PeerLink>
  nextId(): number
  /**
   * This host receives the stream too: its own sink, or undefined when it refuses it (too large).
   * `cancel` is for a file this host gives up.
   */
  receiveLocally(open: StreamOpenMessage, senderId: string, ack: (bytes: number) => void, cancel: (message: string) => void): StreamSink | undefined
  /** A local stream ended unfinished. */
  localCancelled(stream: StreamSink, reason: StreamCancelReason, message: string): void
  /** A local stream is complete. */
  localComplete(stream: StreamSink): void
  /** A client broke the stream rules; reported as an error event on the host, nothing more. */
  refused(link: PeerLink, message: string): void
}

/**
 * The host's half of streams: chunks from a client go on to their receivers as they arrive, under
 * ids of the host's own, never reassembled. Each receiver's confirmations come back, and the
 * smallest goes to the sender, which may not run more than {@link STREAM_WINDOW_BYTES} ahead of it
 * — so what the host holds for any receiver is bounded by that window per sender, whatever the
 * stream's size. A sender that breaks the window, runs past its size, or opens too many streams
 * has its stream cancelled; chunks for streams that do not exist are dropped.
 */
export class StreamRelay {
  private readonly inbound = new Map<PeerLink, Map<number, Relayed>>()
  private readonly outbound = new Map<number, Relayed>()

  constructor(
    private readonly host: RelayHost,
    private readonly limits: RelayLimits,
  ) {}

  opened(from: PeerLink, open: StreamOpenMessage): void {
    const streams = this.inbound.get(from) ?? new Map<number, Relayed>()
    if (streams.has(open.id)) return this.reject(from, open.id, "bad_stream", `stream ${open.id} is already open`)
    if (streams.size >= this.limits.maxStreamsPerPeer) {
      this.host.refused(from, `more than ${this.limits.maxStreamsPerPeer} streams open at once; stream refused`)
      return this.reject(from, open.id, "too_many_streams", `at most ${this.limits.maxStreamsPerPeer} streams at once`)
    }
    const senderId = from.remotePeerId
    const outId = this.host.nextId()
    const relayed: Relayed = { from, fromId: open.id, outId, open: { ...open, id: outId, senderId }, targets: [], received: 0, lastActivityAt: Date.now() }
    delete relayed.open.offset
    const links = this.host.links()
    if (open.to !== undefined && open.to !== this.host.peerId && !links.has(open.to)) {
      return this.reject(from, open.id, "peer_not_found", `peer ${open.to} is not in the session`)
    }
    if (open.to === undefined || open.to === this.host.peerId) {
      const target = { acked: 0 } as { local: StreamSink; acked: number }
      const local = this.host.receiveLocally(relayed.open, senderId, (bytes) => this.confirm(relayed, target, bytes), (message) => {
        const index = relayed.targets.indexOf(target)
        if (index >= 0) this.dropTarget(relayed, index, "cancelled", message)
      })
      if (local) {
        target.local = local
        relayed.targets.push(target)
      } else if (open.to === this.host.peerId) {
        return this.reject(from, open.id, "too_large", "the host refused it")
      }
    }
    const text = JSON.stringify(relayed.open)
    for (const [peerId, link] of links) {
      if (link === from || link.state !== "open" || (open.to !== undefined && open.to !== peerId)) continue
      relayed.targets.push({ link, acked: 0 })
      link.sendBulk(text)
    }
    if (relayed.targets.length === 0) return this.reject(from, open.id, "peer_not_found", "no peer left to receive it")
    streams.set(open.id, relayed)
    this.inbound.set(from, streams)
    this.outbound.set(outId, relayed)
  }

  chunk(from: PeerLink, streamId: number, payload: Uint8Array, frame: Uint8Array): void {
    const relayed = this.inbound.get(from)?.get(streamId)
    if (!relayed) return this.host.refused(from, `a chunk for stream ${streamId}, which is not open; dropped`)
    relayed.received += payload.byteLength
    relayed.lastActivityAt = Date.now()
    if (relayed.received > relayed.open.size) return this.fail(relayed, "bad_stream", "the stream ran past its announced size")
    if (relayed.received - this.confirmed(relayed) > STREAM_WINDOW_BYTES + payload.byteLength) {
      return this.fail(relayed, "bad_stream", `the sender ran more than ${STREAM_WINDOW_BYTES} bytes ahead of its receivers`)
    }
    let restamped: Uint8Array | undefined
    for (const target of relayed.targets) {
      if ("local" in target) {
        if (!target.local.push(payload)) return this.fail(relayed, "bad_stream", "the stream ran past its announced size")
        if (target.local.complete) this.host.localComplete(target.local)
      } else {
        restamped ??= restampChunkFrame(frame, relayed.outId)
        target.link.sendBulk(restamped)
      }
    }
  }

  /** A receiver's confirmation (from a client link, for a host id). False when no such stream goes to it. */
  acked(link: PeerLink, outId: number, bytes: number): boolean {
    const relayed = this.outbound.get(outId)
    const target = relayed?.targets.find((candidate) => "link" in candidate && candidate.link === link)
    if (!relayed || !target) return false
    if (bytes > relayed.received || bytes < target.acked) {
      this.host.refused(link, `a confirmation of ${bytes} bytes of stream ${outId} it cannot have; ignored`)
      return true
    }
    this.confirm(relayed, target, bytes)
    return true
  }

  /** Either side cancelled: from the sender, every receiver hears it; from a receiver, it is dropped from the stream. */
  cancelled(link: PeerLink, id: number, reason: StreamCancelReason, message: string): boolean {
    const fromSender = this.inbound.get(link)?.get(id)
    if (fromSender) {
      this.fail(fromSender, reason, message, { tellSender: false })
      return true
    }
    const relayed = this.outbound.get(id)
    const index = relayed ? relayed.targets.findIndex((candidate) => "link" in candidate && candidate.link === link) : -1
    if (!relayed || index < 0) return false
    this.dropTarget(relayed, index, reason, message)
    return true
  }

  /** A client link ended: its streams fail for their receivers, and it leaves the streams it received. */
  linkEnded(link: PeerLink): void {
    for (const relayed of this.inbound.get(link)?.values() ?? []) this.fail(relayed, "failed", `${link.remotePeerId} left`, { tellSender: false })
    this.inbound.delete(link)
    for (const relayed of [...this.outbound.values()]) {
      const index = relayed.targets.findIndex((candidate) => "link" in candidate && candidate.link === link)
      if (index >= 0) this.dropTarget(relayed, index, "failed", `${link.remotePeerId} left`)
    }
  }

  /** Cancels streams that have been silent too long. */
  sweep(now = Date.now()): void {
    for (const relayed of [...this.outbound.values()]) {
      if (now - relayed.lastActivityAt > this.limits.streamIdleTimeoutMs) this.fail(relayed, "timed_out", `no data for ${this.limits.streamIdleTimeoutMs} ms`)
    }
  }

  stop(): void {
    for (const relayed of [...this.outbound.values()]) this.fail(relayed, "host_left", "the host left")
  }

  private confirmed(relayed: Relayed): number {
    return relayed.targets.length === 0 ? relayed.received : Math.min(...relayed.targets.map((target) => target.acked))
  }

  private confirm(relayed: Relayed, target: Target, bytes: number): void {
    const before = this.confirmed(relayed)
    target.acked = bytes
    this.progressed(relayed, before)
  }

  /** After the receivers changed: the sender hears the new smallest confirmation; a complete stream is forgotten. */
  private progressed(relayed: Relayed, before: number): void {
    const after = this.confirmed(relayed)
    if (after > before) relayed.from.sendBulk(JSON.stringify({ type: "StreamAck", id: relayed.fromId, bytes: after }))
    if (after === relayed.open.size) this.forget(relayed)
  }

  private dropTarget(relayed: Relayed, index: number, reason: StreamCancelReason, message: string): void {
    const before = this.confirmed(relayed)
    relayed.targets.splice(index, 1)
    if (relayed.targets.length === 0) {
      this.reject(relayed.from, relayed.fromId, reason, `every receiver is gone (${message})`)
      return this.forget(relayed)
    }
    this.progressed(relayed, before)
  }

  private fail(relayed: Relayed, reason: StreamCancelReason, message: string, { tellSender = true } = {}): void {
    if (reason === "bad_stream") this.host.refused(relayed.from, `stream ${relayed.fromId} cancelled: ${message}`)
    if (tellSender) this.reject(relayed.from, relayed.fromId, reason, message)
    const text = JSON.stringify({ type: "StreamCancel", id: relayed.outId, reason, message })
    for (const target of relayed.targets) {
      if ("local" in target) this.host.localCancelled(target.local, reason, message)
      else target.link.sendBulk(text)
    }
    this.forget(relayed)
  }

  private reject(link: PeerLink, id: number, reason: StreamCancelReason, message: string): void {
    link.sendBulk(JSON.stringify({ type: "StreamCancel", id, reason, message }))
  }

  private forget(relayed: Relayed): void {
    this.outbound.delete(relayed.outId)
    const streams = this.inbound.get(relayed.from)
    streams?.delete(relayed.fromId)
    if (streams?.size === 0) this.inbound.delete(relayed.from)
  }
}
