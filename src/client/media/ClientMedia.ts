import type { MediaEntry } from "../../protocol/PeerMessage.js"
import type { PeerLink } from "../PeerLink.js"
import type { MediaEvents, Published } from "./HostMedia.js"

/**
 * A client's media: its own streams go to the host (which forwards them), and the streams of
 * others arrive from the host; the host's directory says whose each is and what it is called.
 */
export class ClientMedia {
  private entries = new Map<string, MediaEntry>()
  private readonly streams = new Map<string, MediaStream>()
  private readonly shown = new Map<string, MediaEntry>()

  constructor(
    private readonly peerId: string,
    private readonly published: () => Published,
    private readonly events: MediaEvents,
  ) {}

  /** The link to the host opened: this peer's streams go on it. */
  linkOpened(link: PeerLink): void {
    for (const [streamId, { stream, name, maxBitrate }] of this.published()) this.send(link, stream, streamId, name, maxBitrate)
  }

  publish(link: PeerLink | undefined, stream: MediaStream, name: string, maxBitrate?: number): void {
    if (link?.state === "open") this.send(link, stream, stream.id, name, maxBitrate)
  }

  unpublish(link: PeerLink | undefined, streamId: string): void {
    if (link?.state !== "open") return
    link.media.removeStream(streamId)
    link.send({ type: "Unpublish", streamId })
  }

  trackArrived(stream: MediaStream): void {
    this.streams.set(stream.id, stream)
    this.show(stream.id)
  }

  /** The host's directory, after a change. */
  listed(entries: MediaEntry[]): void {
    const next = new Map(entries.filter((entry) => entry.peerId !== this.peerId).map((entry) => [entry.streamId, entry]))
    for (const streamId of [...this.shown.keys()]) if (!next.has(streamId)) this.hide(streamId)
    this.entries = next
    for (const streamId of next.keys()) this.show(streamId)
  }

  /** The link to the host ended: every stream that came through it is gone. */
  ended(): void {
    for (const streamId of [...this.shown.keys()]) this.hide(streamId)
    this.entries.clear()
    this.streams.clear()
  }

  private send(link: PeerLink, stream: MediaStream, streamId: string, name: string, maxBitrate?: number): void {
    link.media.addStream(stream, maxBitrate)
    link.send(maxBitrate === undefined ? { type: "Publish", streamId, name } : { type: "Publish", streamId, name, maxBitrate })
  }

  private show(streamId: string): void {
    const entry = this.entries.get(streamId)
    const stream = this.streams.get(streamId)
    if (!entry || !stream || this.shown.has(streamId)) return
    this.shown.set(streamId, entry)
    this.events.added(entry.peerId, stream, entry.name)
  }

  private hide(streamId: string): void {
    const entry = this.shown.get(streamId)
    const stream = this.streams.get(streamId)
    this.shown.delete(streamId)
    this.streams.delete(streamId)
    if (entry && stream) this.events.removed(entry.peerId, stream, entry.name)
  }
}
