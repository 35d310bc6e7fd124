import type { Redis } from "ioredis"
import { ProtocolError } from "../../../protocol/ProtocolError.js"
import type { Broker, BrokerEnvelope, BrokerListener } from "../Broker.js"

export interface RedisBrokerOptions {
  /** Publishes; may be shared with the store. */
  publisher: Redis
  /** Subscribes; must be a connection of its own. */
  subscriber: Redis
  /** Called with a message that arrived but could not be parsed. */
  onInvalid?: (error: unknown) => void
}

/** Delivery across nodes on Redis pub/sub: one Redis channel per stream, subscribed while listened to. */
export class RedisBroker implements Broker {
  private readonly streams = new Map<string, Set<BrokerListener>>()

  constructor(private readonly options: RedisBrokerOptions) {
    options.subscriber.on("message", (stream: string, text: string) => this.received(stream, text))
  }

  subscribe(stream: string, listener: BrokerListener): void {
    let listeners = this.streams.get(stream)
    if (!listeners) {
      this.streams.set(stream, (listeners = new Set()))
      void this.options.subscriber.subscribe(stream).catch((error: unknown) => this.options.onInvalid?.(error))
    }
    listeners.add(listener)
  }

  unsubscribe(stream: string, listener: BrokerListener): void {
    const listeners = this.streams.get(stream)
    if (!listeners?.delete(listener) || listeners.size > 0) return
    this.streams.delete(stream)
    void this.options.subscriber.unsubscribe(stream).catch(() => {})
  }

  async publish(stream: string, envelope: BrokerEnvelope): Promise<void> {
    try {
      await this.options.publisher.publish(stream, JSON.stringify(envelope))
    } catch (error) {
      throw new ProtocolError("store_unavailable", `delivery through Redis failed: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  /** How many streams have listeners on this node. */
  get streamCount(): number {
    return this.streams.size
  }

  async close(): Promise<void> {
    this.streams.clear()
  }

  private received(stream: string, text: string): void {
    const listeners = this.streams.get(stream)
    if (!listeners) return
    let envelope: BrokerEnvelope
    try {
      envelope = parseEnvelope(text)
    } catch (error) {
      return this.options.onInvalid?.(error)
    }
    for (const listener of [...listeners]) {
      try {
        listener(envelope)
      } catch (error) {
        this.options.onInvalid?.(error)
      }
    }
  }
}

// Anything that can write to Redis can publish here: check the shape before a listener sees it.
function parseEnvelope(text: string): BrokerEnvelope {
  const value: unknown = JSON.parse(text)
  if (typeof value === "object" && value !== null) {
    const envelope = value as Record<string, unknown>
    const message = envelope.message as Record<string, unknown> | null | undefined
    if (envelope.kind === "deliver" && typeof message === "object" && message !== null && typeof message.state === "string") return value as BrokerEnvelope
    if ((envelope.kind === "evict" || envelope.kind === "probe") && typeof envelope.subscriptionId === "string") return value as BrokerEnvelope
  }
  throw new ProtocolError("bad_message", "not a broker envelope")
}
