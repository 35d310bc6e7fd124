import { encodeChunkFrame } from "../../protocol/DataFrame.js"
import type { StreamCancelReason, StreamKind, StreamOpenMessage } from "../../protocol/PeerMessage.js"
import type { PeerLink } from "../PeerLink.js"
import type { OutgoingFile } from "./FileTransfer.js"
import { blobSource, type ByteSource } from "./payload.js"

/**
 * A sender has at most this many bytes sent but not yet confirmed by every receiver, over all its
 * streams on one link. It bounds every queue on the way: the host never holds more than this per
 * sender for any receiver (docs/datachannel.md §5).
 */
export const STREAM_WINDOW_BYTES = 4 << 20

/** What a stream announces besides its bytes. */
export interface StreamMeta {
  kind: StreamKind
  to?: string
  name?: string
  mime?: string
  metadata?: unknown
}

/** How a stream ended. */
export type StreamOutcome = { done: true } | { done: false; reason: StreamCancelReason; message: string }

interface Output {
  link: PeerLink
  id: number
  acked: number
}

/** One stream this peer sends, to one link (a client to its host) or to several (the host to its clients). */
export class OutgoingStream {
  sent = 0
  /** The next chunk, read ahead of sending; `reading` while a slice is on its way. */
  ahead: Uint8Array | undefined
  reading = false
  ended: StreamOutcome | undefined
  readonly startedAt = Date.now()

  constructor(
    readonly transfer: string,
    readonly source: ByteSource,
    readonly outputs: Output[],
    readonly onProgress: (bytes: number) => void,
    readonly onEnd: (outcome: StreamOutcome) => void,
  ) {}

  /** What every receiver has confirmed. */
  get confirmed(): number {
    return this.outputs.length === 0 ? this.source.size : Math.min(...this.outputs.map((output) => output.acked))
  }

  inFlightOn(link: PeerLink): number {
    const output = this.outputs.find((candidate) => candidate.link === link)
    return output ? this.sent - output.acked : 0
  }
}

/**
 * Every stream this peer sends, paced round-robin one chunk at a time: a chunk goes when each of
 * its links has room in its bulk lane and in the window. The next chunk is read ahead (a `Blob`
 * slice at a time), so a file is never in memory whole.
 */
export class StreamSender {
  private readonly streams: OutgoingStream[] = []
  private pumping = false

  constructor(private readonly nextId: () => number) {}

  /** Announces a stream on each link and starts sending it. */
  open(source: ByteSource, meta: StreamMeta, links: PeerLink[], senderId: string | undefined, handlers: Pick<OutgoingStream, "onProgress" | "onEnd">, transfer = randomTransferId()): OutgoingStream {
    const outputs = links.map((link) => ({ link, id: this.nextId(), acked: 0 }))
    const stream = new OutgoingStream(transfer, source, outputs, handlers.onProgress, handlers.onEnd)
    for (const output of outputs) {
      const open: StreamOpenMessage = { type: "StreamOpen", id: output.id, transfer, kind: meta.kind, size: source.size }
      if (senderId !== undefined) open.senderId = senderId
      if (meta.to !== undefined) open.to = meta.to
      if (meta.kind === "file") Object.assign(open, { name: meta.name ?? "", mime: meta.mime ?? "", ...(meta.metadata === undefined ? {} : { metadata: meta.metadata }) })
      output.link.sendBulk(JSON.stringify(open))
    }
    this.streams.push(stream)
    this.settle(stream)
    this.pump()
    return stream
  }

  /** Sends `file` (its bytes are `blob`) on `links`, reporting to the transfer, which can cancel it. */
  sendFile(file: OutgoingFile, blob: Blob, links: PeerLink[], senderId: string | undefined): void {
    const meta: StreamMeta = { kind: "file", name: file.name, mime: file.type, metadata: file.metadata, ...(file.to === undefined ? {} : { to: file.to }) }
    const stream = this.open(blobSource(blob), meta, links, senderId, {
      onProgress: (bytes) => file.confirmed(bytes),
      onEnd: (outcome) => file.finish(outcome.done ? { status: "done" } : { status: outcome.reason === "cancelled" ? "cancelled" : "failed", reason: outcome.reason, message: outcome.message }),
    }, file.id)
    file.canceller = () => this.cancel(stream)
  }

  /** A receiver (or, for a client, every receiver through the host) confirmed `bytes`. */
  acked(link: PeerLink, id: number, bytes: number): boolean {
    const found = this.find(link, id)
    if (!found) return false
    const [stream, output] = found
    if (bytes > stream.sent || bytes < output.acked) return false
    const before = stream.confirmed
    output.acked = bytes
    if (stream.confirmed > before) stream.onProgress(stream.confirmed)
    this.settle(stream)
    this.pump()
    return true
  }

  /** The other side cancelled stream `id` on `link`. */
  cancelled(link: PeerLink, id: number, reason: StreamCancelReason, message: string): boolean {
    const found = this.find(link, id)
    if (!found) return false
    const [stream, output] = found
    stream.outputs.splice(stream.outputs.indexOf(output), 1)
    // The host sends one stream to several clients: one receiver giving up leaves the others theirs.
    if (stream.outputs.length === 0) this.end(stream, { done: false, reason, message })
    else this.settle(stream)
    this.pump()
    return true
  }

  /** Cancels a stream this peer sends, telling every receiver. */
  cancel(stream: OutgoingStream, reason: StreamCancelReason = "cancelled", message = "the sender cancelled it"): void {
    if (stream.ended) return
    for (const output of stream.outputs) output.link.sendBulk(JSON.stringify({ type: "StreamCancel", id: output.id, reason, message }))
    this.end(stream, { done: false, reason, message })
  }

  /** A link ended: its outputs are gone; a stream with none left fails with `reason`. */
  linkEnded(link: PeerLink, reason: StreamCancelReason, message: string): void {
    for (const stream of [...this.streams]) {
      const index = stream.outputs.findIndex((output) => output.link === link)
      if (index < 0) continue
      stream.outputs.splice(index, 1)
      if (stream.outputs.length === 0) this.end(stream, { done: false, reason, message })
      else this.settle(stream)
    }
    this.pump()
  }

  /** Cancels everything (the role is stopping). */
  stop(reason: StreamCancelReason, message: string): void {
    for (const stream of [...this.streams]) this.end(stream, { done: false, reason, message })
  }

  /** Sends what the links and the window allow, one chunk per stream per round. */
  pump(): void {
    if (this.pumping) return
    this.pumping = true
    try {
      let progressed = true
      while (progressed) {
        progressed = false
        for (const stream of [...this.streams]) {
          if (stream.ended || stream.sent >= stream.source.size) continue
          const chunk = this.takeAhead(stream)
          if (!chunk) continue
          if (!stream.outputs.every((output) => output.link.bulkWritable && this.inFlight(output.link) + chunk.byteLength <= STREAM_WINDOW_BYTES)) {
            this.putBack(stream, chunk)
            continue
          }
          if (stream.outputs.length === 1) {
            stream.outputs[0]!.link.sendBulk(encodeChunkFrame(stream.outputs[0]!.id, chunk))
          } else {
            for (const output of stream.outputs) output.link.sendBulk(encodeChunkFrame(output.id, chunk))
          }
          stream.sent += chunk.byteLength
          progressed = true
        }
      }
    } finally {
      this.pumping = false
    }
  }

  private inFlight(link: PeerLink): number {
    let total = 0
    for (const stream of this.streams) total += stream.inFlightOn(link)
    return total
  }

  private chunkSize(stream: OutgoingStream): number {
    return Math.min(...stream.outputs.map((output) => output.link.maxChunkBytes))
  }

  /** The next chunk if it has been read; otherwise starts reading it and says not yet. */
  private takeAhead(stream: OutgoingStream): Uint8Array | undefined {
    if (!stream.ahead) this.readAhead(stream)
    const chunk = stream.ahead
    stream.ahead = undefined
    return chunk
  }

  private putBack(stream: OutgoingStream, chunk: Uint8Array): void {
    stream.ahead = chunk
  }

  private readAhead(stream: OutgoingStream): void {
    if (stream.reading || stream.ahead || stream.outputs.length === 0) return
    const length = Math.min(this.chunkSize(stream), stream.source.size - stream.sent)
    const read = stream.source.read(stream.sent, length)
    if (read instanceof Uint8Array) {
      stream.ahead = read
      return
    }
    stream.reading = true
    read.then(
      (bytes) => {
        stream.reading = false
        if (stream.ended) return
        stream.ahead = bytes
        this.pump()
      },
      (error: unknown) => {
        stream.reading = false
        this.cancel(stream, "failed", `reading the data failed: ${error instanceof Error ? error.message : String(error)}`)
      },
    )
  }

  private settle(stream: OutgoingStream): void {
    if (!stream.ended && stream.confirmed >= stream.source.size) this.end(stream, { done: true })
  }

  private end(stream: OutgoingStream, outcome: StreamOutcome): void {
    if (stream.ended) return
    stream.ended = outcome
    this.streams.splice(this.streams.indexOf(stream), 1)
    stream.onEnd(outcome)
  }

  private find(link: PeerLink, id: number): [OutgoingStream, Output] | undefined {
    for (const stream of this.streams) {
      const output = stream.outputs.find((candidate) => candidate.link === link && candidate.id === id)
      if (output) return [stream, output]
    }
    return undefined
  }
}

export function randomTransferId(): string {
  const bytes = new Uint8Array(12)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")
}
