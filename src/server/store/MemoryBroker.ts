import type { Broker, BrokerEnvelope, BrokerListener } from "./Broker.js"

/** In-process delivery: the default, for a single server node. */
export class MemoryBroker implements Broker {
  private readonly streams = new Map<string, Set<BrokerListener>>()

  subscribe(stream: string, listener: BrokerListener): () => void {
    let listeners = this.streams.get(stream)
    if (!listeners) this.streams.set(stream, (listeners = new Set()))
    listeners.add(listener)
    return () => {
      listeners.delete(listener)
      if (listeners.size === 0 && this.streams.get(stream) === listeners) this.streams.delete(stream)
    }
  }

  async publish(stream: string, envelope: BrokerEnvelope): Promise<void> {
    const listeners = this.streams.get(stream)
    if (!listeners) return
    for (const listener of [...listeners]) listener(envelope)
  }

  /** How many streams have listeners; a leak check for tests. */
  get streamCount(): number {
    return this.streams.size
  }

  async close(): Promise<void> {
    this.streams.clear()
  }
}
