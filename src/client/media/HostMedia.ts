import { MAX_MEDIA_ENTRIES, type MediaEntry } from "../../protocol/PeerMessage.js"
import type { PeerLink } from "../PeerLink.js"

/** What a role tells its session about other peers' streams. */
export interface MediaEvents {
  added(peerId: string, stream: MediaStream, name: string): void
  removed(peerId: string, stream: MediaStream, name: string): void
}

/** This peer's own published streams, kept by the session across host changes. */
export type Published = ReadonlyMap<string, { stream: MediaStream; name: string; maxBitrate?: number }>

/** Streams one client may publish at once; more are refused. */
export const MAX_STREAMS_PER_PEER = 8

/**
 * The host's media: the session's directory of published streams, its own streams sent on every
 * link, and each client's streams forwarded to every other client on the links that exist — a
 * star, like the data.
 */
export class HostMedia {
  private readonly directory = new Map<string, MediaEntry>()
  private readonly streams = new Map<string, MediaStream>()
  private readonly shown = new Set<string>()

  constructor(
    private readonly peerId: string,
    private readonly links: () => Iterable<PeerLink>,
    published: Published,
    private readonly events: MediaEvents,
    private readonly refused: (link: PeerLink, message: string) => void,
  ) {
    for (const [streamId, { stream, name, maxBitrate }] of published) {
      this.directory.set(streamId, withCap({ streamId, peerId, name }, maxBitrate))
      this.streams.set(streamId, stream)
    }
  }

  /** A client's link opened: it gets every stream not its own, and the directory. */
  linkOpened(link: PeerLink): void {
    for (const entry of this.directory.values()) {
      const stream = this.streams.get(entry.streamId)
      if (stream && entry.peerId !== link.remotePeerId) link.media.addStream(stream, entry.maxBitrate)
    }
    link.send(this.listing())
  }

  publish(stream: MediaStream, name: string, maxBitrate?: number): void {
    this.directory.set(stream.id, withCap({ streamId: stream.id, peerId: this.peerId, name }, maxBitrate))
    this.streams.set(stream.id, stream)
    for (const link of this.open()) link.media.addStream(stream, maxBitrate)
    this.broadcast()
  }

  unpublish(streamId: string): void {
    if (this.directory.get(streamId)?.peerId === this.peerId) this.remove(streamId)
  }

  /** A client announced a stream of its own. */
  published(link: PeerLink, streamId: string, name: string, maxBitrate?: number): void {
    const existing = this.directory.get(streamId)
    if (existing && existing.peerId !== link.remotePeerId) return this.refused(link, `stream ${streamId} is already published by ${existing.peerId}`)
    const own = [...this.directory.values()].filter((entry) => entry.peerId === link.remotePeerId).length
    if (!existing && own >= MAX_STREAMS_PER_PEER) return this.refused(link, `more than ${MAX_STREAMS_PER_PEER} streams published; refused`)
    if (!existing && this.directory.size >= MAX_MEDIA_ENTRIES) return this.refused(link, `the session already lists ${MAX_MEDIA_ENTRIES} streams; refused`)
    this.directory.set(streamId, withCap({ streamId, peerId: link.remotePeerId, name }, maxBitrate))
    // The publisher's cap holds on every hop: the host's forwarded copies keep it.
    if (maxBitrate !== undefined) for (const other of this.open()) if (other.media.hasStream(streamId)) other.media.capStream(streamId, maxBitrate)
    this.broadcast()
    this.show(streamId)
  }

  unpublished(link: PeerLink, streamId: string): void {
    if (this.directory.get(streamId)?.peerId === link.remotePeerId) this.remove(streamId)
  }

  /** A client's track arrived: forwarded on every other link, shown here once announced. */
  trackArrived(from: PeerLink, track: MediaStreamTrack, stream: MediaStream): void {
    const entry = this.directory.get(stream.id)
    if (entry && entry.peerId !== from.remotePeerId) return this.refused(from, `sent tracks for ${entry.peerId}'s stream; ignored`)
    if (!this.streams.has(stream.id)) this.streams.set(stream.id, stream)
    for (const link of this.open()) {
      if (link === from) continue
      link.media.addTrack(track, stream)
      if (entry?.maxBitrate !== undefined) link.media.capStream(stream.id, entry.maxBitrate)
    }
    this.show(stream.id)
  }

  /** A client left: its streams end everywhere. */
  linkEnded(link: PeerLink): void {
    for (const entry of [...this.directory.values()]) if (entry.peerId === link.remotePeerId) this.remove(entry.streamId)
  }

  /** The host role ends: what it showed of others' streams is gone. */
  stop(): void {
    for (const streamId of [...this.shown]) this.hide(streamId)
  }

  private remove(streamId: string): void {
    this.hide(streamId)
    this.directory.delete(streamId)
    this.streams.delete(streamId)
    for (const link of this.open()) link.media.removeStream(streamId)
    this.broadcast()
  }

  private show(streamId: string): void {
    const entry = this.directory.get(streamId)
    const stream = this.streams.get(streamId)
    if (!entry || !stream || entry.peerId === this.peerId || this.shown.has(streamId)) return
    this.shown.add(streamId)
    this.events.added(entry.peerId, stream, entry.name)
  }

  private hide(streamId: string): void {
    if (!this.shown.delete(streamId)) return
    const entry = this.directory.get(streamId)
    const stream = this.streams.get(streamId)
    if (entry && stream) this.events.removed(entry.peerId, stream, entry.name)
  }

  private listing() {
    return { type: "Media" as const, streams: [...this.directory.values()] }
  }

  private broadcast(): void {
    const listing = this.listing()
    for (const link of this.open()) link.send(listing)
  }

  private *open(): Iterable<PeerLink> {
    for (const link of this.links()) if (link.state === "open") yield link
  }
}

function withCap(entry: MediaEntry, maxBitrate: number | undefined): MediaEntry {
  if (maxBitrate !== undefined) entry.maxBitrate = maxBitrate
  return entry
}
