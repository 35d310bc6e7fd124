import type { ServerSignal } from "../../protocol/Signal.js"
import { peerStream, sessionStream, type Broker, type BrokerListener } from "../store/Broker.js"
import type { CableConnection } from "../transport/CableConnection.js"

/** Where a subscription stands in its session, as far as this node knows. */
export type SubscriptionRole = "attached" | "member" | "host"

/** One peer's subscription to the signaling channel, on one connection of this node. */
export class Subscription {
  role: SubscriptionRole = "attached"
  // For a host: the clients it reported connected, re-registered if the store loses them. Made on
  // first use: most subscriptions never hold any, and idle memory per connection counts.
  private clients: Set<string> | undefined
  // What this subscription listens with on its session's and its peer's broker streams.
  private listener: BrokerListener | undefined
  private active = true
  /** The start of every frame this subscription delivers, with the identifier escaped once (on first use). */
  private framePrefix: string | undefined

  constructor(
    readonly id: string,
    readonly identifier: string,
    readonly sessionId: string,
    readonly peerId: string,
    readonly connection: CableConnection,
  ) {}

  /** Sends `{identifier, message}`, the ActionCable broadcast frame. */
  deliver(message: ServerSignal): void {
    this.framePrefix ??= `{"identifier":${JSON.stringify(this.identifier)},"message":`
    this.connection.sendText(`${this.framePrefix}${JSON.stringify(message)}}`)
  }

  /** Records the host's report of a client. */
  reported(clientPeerId: string, connected: boolean): void {
    if (connected) (this.clients ??= new Set()).add(clientPeerId)
    else this.clients?.delete(clientPeerId)
  }

  /** The clients this host reported connected. */
  get reportedClients(): string[] {
    return [...(this.clients ?? [])]
  }

  forgetClients(): void {
    this.clients = undefined
  }

  /** Listens on the session's stream and this peer's own. */
  listen(broker: Broker, listener: BrokerListener): void {
    this.listener = listener
    broker.subscribe(sessionStream(this.sessionId), listener)
    broker.subscribe(peerStream(this.sessionId, this.peerId), listener)
  }

  /** Stops listening. Returns false when it was stopped already. */
  stop(broker: Broker): boolean {
    const listener = this.listener
    this.listener = undefined
    if (listener) {
      broker.unsubscribe(sessionStream(this.sessionId), listener)
      broker.unsubscribe(peerStream(this.sessionId, this.peerId), listener)
    }
    const wasActive = this.active
    this.active = false
    return wasActive
  }
}
