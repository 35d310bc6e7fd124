import type { Broker, BrokerEnvelope, BrokerListener } from "./Broker.js"

/** In-process delivery: the default, for a single server node. */
export class MemoryBroker implements Broker {
  // Most streams have one listener (a peer's own stream), so a lone listener is kept without a Set.
  private readonly streams = new Map<string, BrokerListener | Set<BrokerListener>>()

  subscribe(stream: string, listener: BrokerListener): void {
    const current = this.streams.get(stream)
    if (current === undefined) this.streams.set(stream, listener)
    else if (current instanceof Set) current.add(listener)
    else this.streams.set(stream, new Set([current, listener]))
  }

  async publish(stream: string, envelope: BrokerEnvelope): Promise<void> {
    const listeners = this.streams.get(stream)
    if (listeners === undefined) return
    if (!(listeners instanceof Set)) return listeners(envelope)
    for (const listener of [...listeners]) listener(envelope)
  }

  /** How many streams have listeners; a leak check for tests. */
  get streamCount(): number {
    return this.streams.size
  }

  async close(): Promise<void> {
    this.streams.clear()
  }

  unsubscribe(stream: string, listener: BrokerListener): void {
    const current = this.streams.get(stream)
    if (current === listener) this.streams.delete(stream)
    else if (current instanceof Set) {
      current.delete(listener)
      if (current.size === 0) this.streams.delete(stream)
    }
  }
}
