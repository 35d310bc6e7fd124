import type { StreamCancelReason, StreamOpenMessage } from "../../protocol/PeerMessage.js"
import { Emitter } from "../Emitter.js"
import { P2pError } from "../P2pError.js"
import { ACK_INTERVAL_BYTES } from "./IncomingStream.js"

/** How far a transfer is: `bytes` of `total`, at `rate` bytes per second on average so far. */
export interface TransferProgress {
  bytes: number
  total: number
  rate: number
}

/** How a transfer ended. `reason` says why one did not complete (docs/datachannel.md §4). */
export type TransferEnd =
  | { status: "done" }
  | { status: "cancelled" | "failed"; reason: StreamCancelReason; message: string }

export type TransferStatus = "sending" | "receiving" | "done" | "cancelled" | "failed"

export interface TransferEvents {
  progress: (progress: TransferProgress) => void
  end: (end: TransferEnd) => void
}

/** What a file announces besides its bytes. */
export interface FileInfo {
  name: string
  size: number
  type: string
  metadata: unknown
}

abstract class Transfer extends Emitter<TransferEvents> implements FileInfo {
  protected ended: TransferEnd | undefined
  protected readonly startedAt = Date.now()

  constructor(
    /** The transfer's id, the same at the sender and at every receiver. */
    readonly id: string,
    readonly name: string,
    readonly size: number,
    readonly type: string,
    readonly metadata: unknown,
  ) {
    super()
  }

  abstract get status(): TransferStatus

  protected progressed(bytes: number): void {
    const seconds = Math.max((Date.now() - this.startedAt) / 1000, 0.001)
    this.emit("progress", { bytes, total: this.size, rate: Math.round(bytes / seconds) })
  }

  protected end(outcome: TransferEnd): boolean {
    if (this.ended) return false
    this.ended = outcome
    this.emit("end", outcome)
    return true
  }
}

/**
 * A file this peer sends (`session.sendFile`). `done` resolves once every receiver has all of it,
 * and rejects with a `P2pError` (`transfer_cancelled` or `transfer_failed`) when it ends early.
 */
export class OutgoingFile extends Transfer {
  readonly done: Promise<void>
  /** Set by the role that sends it: cancels the stream on the wire. */
  canceller: (() => void) | undefined
  private settle!: { resolve: () => void; reject: (error: P2pError) => void }

  constructor(id: string, blob: Blob, name: string, metadata: unknown, readonly to: string | undefined) {
    super(id, name, blob.size, blob.type, metadata)
    this.done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }))
    // Awaiting `done` is optional: an app that only listens to events must not see an unhandled rejection.
    this.done.catch(() => {})
  }

  get status(): TransferStatus {
    return this.ended?.status ?? "sending"
  }

  /** Stops sending; every receiver ends with `cancelled`. */
  cancel(): void {
    if (this.ended) return
    this.canceller?.()
    this.finish({ status: "cancelled", reason: "cancelled", message: "the sender cancelled it" })
  }

  /** Every receiver has confirmed `bytes`. */
  confirmed(bytes: number): void {
    if (!this.ended) this.progressed(bytes)
  }

  finish(outcome: TransferEnd): void {
    if (!this.end(outcome)) return
    if (outcome.status === "done") return this.settle.resolve()
    const code = outcome.status === "cancelled" ? "transfer_cancelled" : "transfer_failed"
    this.settle.reject(new P2pError(code, `${this.name}: ${outcome.message} (${outcome.reason})`))
  }
}

/** A file batch is kept as one `Blob` part once this many bytes have come. */
const PART_BYTES = 1 << 20

/**
 * A file arriving at this peer (the session's `file` event). Chunks are kept as `Blob` parts —
 * never one growing buffer — and `blob()` gives the whole file once it is here. An app that
 * writes to disk calls `stream()` at once instead: then nothing is kept, and the sender is paced
 * by how fast the stream is read.
 */
export class IncomingFile extends Transfer {
  readonly senderId: string
  received = 0
  lastActivityAt = Date.now()
  private acked = 0
  private parts: Blob[] = []
  private batch: Uint8Array[] = []
  private batchBytes = 0
  private whole: Promise<Blob> | undefined
  private settle: { resolve: (blob: Blob) => void; reject: (error: P2pError) => void } | undefined
  private reader: ReadableStreamDefaultController<Uint8Array> | undefined
  private streamed = false

  constructor(
    readonly open: StreamOpenMessage,
    senderId: string,
    private readonly ack: (bytes: number) => void,
    /** Tells the sender's side this receiver gives up. */
    private readonly sendCancel: (message: string) => void,
  ) {
    super(open.transfer, open.name ?? "", open.size, open.mime ?? "", open.metadata)
    this.senderId = senderId
  }

  get status(): TransferStatus {
    return this.ended?.status ?? "receiving"
  }

  get complete(): boolean {
    return this.received === this.size
  }

  /** The whole file, once it has arrived; rejects (`transfer_cancelled`/`transfer_failed`) if it does not. */
  blob(): Promise<Blob> {
    if (this.streamed) return Promise.reject(new P2pError("unsupported_data", "this file is read with stream(); it is not kept"))
    this.whole ??= new Promise<Blob>((resolve, reject) => {
      this.settle = { resolve, reject }
      this.settleWhole()
    })
    return this.whole
  }

  /** The file's bytes as they arrive, for apps that write them somewhere; call it before any arrive (in the `file` event). */
  stream(): ReadableStream<Uint8Array> {
    if (this.received > 0 || this.streamed) throw new P2pError("unsupported_data", "stream() must be called once, in the file event, before any data arrives")
    this.streamed = true
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.reader = controller
        },
        pull: () => this.confirm(),
        cancel: () => this.cancel(),
      },
      new ByteLengthQueuingStrategy({ highWaterMark: 4 * ACK_INTERVAL_BYTES }),
    )
  }

  /** Gives up on this file; the sender hears of it (and stops, if this peer was its only receiver). */
  cancel(): void {
    if (this.ended || this.complete) return
    this.sendCancel("a receiver cancelled it")
    this.stop({ status: "cancelled", reason: "cancelled", message: "cancelled here" })
  }

  /** The next chunk; false when it runs past the announced size. */
  push(payload: Uint8Array): boolean {
    if (this.ended) return true // cancelled here: what was still on its way is dropped
    if (this.received + payload.byteLength > this.size) return false
    this.received += payload.byteLength
    this.lastActivityAt = Date.now()
    if (this.reader) {
      this.reader.enqueue(payload.slice())
    } else {
      this.batch.push(payload.slice())
      this.batchBytes += payload.byteLength
      if (this.batchBytes >= PART_BYTES || this.complete) this.flushBatch()
    }
    if (this.complete || this.received - this.acked >= ACK_INTERVAL_BYTES) this.confirm()
    if (this.complete) {
      this.reader?.close()
      this.settleWhole()
      this.end({ status: "done" })
    }
    return true
  }

  /** The sender's side ended it. */
  remoteEnded(reason: StreamCancelReason, message: string): void {
    this.stop({ status: reason === "cancelled" ? "cancelled" : "failed", reason, message })
  }

  private confirm(): void {
    if (this.acked === this.received) return
    // A stream's reader sets the pace: confirm only what it has room for.
    if (this.reader && (this.reader.desiredSize ?? 1) <= 0 && !this.complete) return
    this.acked = this.received
    this.ack(this.received)
    this.progressed(this.received)
  }

  private flushBatch(): void {
    if (this.batch.length === 0) return
    this.parts.push(new Blob(this.batch as BlobPart[]))
    this.batch = []
    this.batchBytes = 0
  }

  private settleWhole(): void {
    if (!this.settle) return
    if (this.complete) {
      this.flushBatch()
      this.settle.resolve(new Blob(this.parts, { type: this.type }))
    } else if (this.ended && this.ended.status !== "done") {
      this.settle.reject(new P2pError(this.ended.status === "cancelled" ? "transfer_cancelled" : "transfer_failed", `${this.name}: ${this.ended.message} (${this.ended.reason})`))
    }
  }

  private stop(outcome: Exclude<TransferEnd, { status: "done" }>): void {
    if (this.complete || !this.end(outcome)) return
    this.parts = []
    this.batch = []
    try {
      this.reader?.error(new P2pError(outcome.status === "cancelled" ? "transfer_cancelled" : "transfer_failed", outcome.message))
    } catch {
      // the reader is gone already
    }
    this.settleWhole()
  }
}
