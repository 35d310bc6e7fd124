import type { StreamOpenMessage } from "../../protocol/PeerMessage.js"
import { shaped } from "./payload.js"

/** A receiver confirms what it has every this many bytes (and at the end); the sender's window moves with it. */
export const ACK_INTERVAL_BYTES = 256 << 10

const decoder = new TextDecoder("utf-8", { fatal: true })

/**
 * One stream arriving at this peer, kept as the chunks that came (never one growing buffer), and
 * turned into what was sent once every byte is here.
 */
export class IncomingStream {
  received = 0
  private acked = 0
  private readonly parts: Uint8Array[] = []
  lastActivityAt = Date.now()

  constructor(
    readonly open: StreamOpenMessage,
    readonly senderId: string,
    private readonly ack: (bytes: number) => void,
  ) {}

  get complete(): boolean {
    return this.received === this.open.size
  }

  /** Takes the next chunk; false when it runs past the announced size (the stream is then bad). */
  push(payload: Uint8Array): boolean {
    if (this.received + payload.byteLength > this.open.size) return false
    this.parts.push(payload.slice())
    this.received += payload.byteLength
    this.lastActivityAt = Date.now()
    if (this.complete || this.received - this.acked >= ACK_INTERVAL_BYTES) {
      this.acked = this.received
      this.ack(this.received)
    }
    return true
  }

  /** The message, once complete: binary in the shape it was sent, or the JSON value. Throws on JSON that does not parse. */
  value(): unknown {
    const whole = concat(this.parts, this.open.size)
    if (this.open.kind === "json") return JSON.parse(decoder.decode(whole))
    return shaped(whole, this.open.kind === "uint8array" ? "uint8array" : "arraybuffer")
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1 && parts[0]!.byteLength === size) return parts[0]!
  const whole = new Uint8Array(size)
  let offset = 0
  for (const part of parts) {
    whole.set(part, offset)
    offset += part.byteLength
  }
  return whole
}
