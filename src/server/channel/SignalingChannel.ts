import type { ClientCommand } from "../../protocol/CableFrame.js"
import { parseChannelIdentifier } from "../../protocol/ChannelIdentifier.js"
import { ProtocolError } from "../../protocol/ProtocolError.js"
import { parsePeerSignal, type PeerSignal, type ServerSignal, type SessionResetReason } from "../../protocol/Signal.js"
import { verifyJoinToken } from "../JoinToken.js"
import type { Logger } from "../Logger.js"
import type { Metrics } from "../Metrics.js"
import type { ResolvedOptions } from "../SignalingServerOptions.js"
import { peerStream, sessionStream, type Broker, type BrokerEnvelope } from "../store/Broker.js"
import type { AttachOutcome, SessionStore } from "../store/SessionStore.js"
import type { CableConnection, CableConnectionDelegate } from "../transport/CableConnection.js"
import { Subscription } from "./Subscription.js"

type ChannelOptions = Pick<
  ResolvedOptions,
  "secret" | "allowOpenJoins" | "maxSubscriptionsPerConnection" | "maxPeersPerSession" | "hostLeaseMs" | "probeTimeoutMs" | "nodeId"
>

/**
 * `P2pStreamsChannel::SignalingChannel`: subscriptions, joins, host election and the relay of
 * SDP and ICE to the addressed peer. See docs/protocol.md.
 */
export class SignalingChannel implements CableConnectionDelegate {
  private readonly byConnection = new Map<CableConnection, Map<string, Subscription>>()
  private readonly hosts = new Set<Subscription>()
  private sequence = 0
  private count = 0

  constructor(
    private readonly options: ChannelOptions,
    private readonly store: SessionStore,
    private readonly broker: Broker,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  get subscriptionCount(): number {
    return this.count
  }

  async command(connection: CableConnection, command: ClientCommand): Promise<void> {
    switch (command.command) {
      case "subscribe":
        return this.subscribe(connection, command.identifier)
      case "unsubscribe":
        return this.unsubscribe(connection, command.identifier)
      case "message":
        return this.perform(connection, command.identifier, command.data)
    }
  }

  refused(connection: CableConnection, error: ProtocolError, options?: { quiet: boolean }): void {
    this.metrics.reject(error.code)
    if (!options?.quiet) this.logger.warn(`connection ${connection.id}: refused (${error.code}): ${error.message}`)
  }

  async closed(connection: CableConnection): Promise<void> {
    const subscriptions = this.byConnection.get(connection)
    this.byConnection.delete(connection)
    for (const subscription of subscriptions?.values() ?? []) await this.end(subscription)
  }

  /**
   * Renews the leases of the hosts whose subscriptions live on this node; re-registers them where
   * the store forgot them (it restarted), and demotes those another peer replaced meanwhile.
   */
  async renewHostLeases(): Promise<void> {
    await Promise.all([...this.hosts].map(async (host) => {
      const renewal = await this.store.renewHostLease(host.sessionId, host.peerId, host.id, this.options.hostLeaseMs)
      if (renewal === "reclaimed") this.logger.info(`session ${host.sessionId}: host ${host.peerId} re-registered with the store`)
      if (renewal !== "lost" || !this.hosts.has(host)) return
      this.demote(host)
      host.deliver({ type: "Connection", state: "SessionReset", host_peer_id: host.peerId, reason: "host_replaced" })
    }))
  }

  private async subscribe(connection: CableConnection, identifier: string): Promise<void> {
    const subscriptions = this.subscriptionsOf(connection)
    // The official client re-sends `subscribe` until confirmed; like Rails, ignore repeats.
    if (subscriptions.has(identifier)) return this.logger.debug(`connection ${connection.id}: already subscribed`)
    let subscription: Subscription
    try {
      const { sessionId, peerId, token } = parseChannelIdentifier(identifier)
      if (!this.options.allowOpenJoins) verifyJoinToken(this.options.secret ?? "", token, sessionId, peerId)
      if (subscriptions.size >= this.options.maxSubscriptionsPerConnection) {
        throw new ProtocolError("too_many_subscriptions", `at most ${this.options.maxSubscriptionsPerConnection} subscriptions per connection`)
      }
      subscription = new Subscription(`${this.options.nodeId}:${connection.id}:${++this.sequence}`, identifier, sessionId, peerId, connection)
    } catch (error) {
      const refusal = asProtocolError(error)
      this.refused(connection, refusal)
      return connection.send({ type: "reject_subscription", identifier, reason: refusal.code })
    }
    subscriptions.set(identifier, subscription)
    this.count += 1
    const { sessionId, peerId } = subscription
    let outcome: AttachOutcome
    try {
      outcome = await this.store.attach(sessionId, peerId, subscription.id)
    } catch (error) {
      // Not subscribed after all: the client's retried `subscribe` (ActionCable re-sends it) starts afresh.
      this.forget(subscription)
      throw error
    }
    if (outcome.displacedSubscriptionId) {
      this.logger.info(`session ${sessionId}: peer ${peerId} subscribed again; the earlier subscription is replaced`)
      await this.broker.publish(peerStream(sessionId, peerId), { kind: "evict", subscriptionId: outcome.displacedSubscriptionId, reason: "peer_replaced" })
    }
    const listener = (envelope: BrokerEnvelope) => this.onEnvelope(subscription, envelope)
    subscription.listening(this.broker.subscribe(sessionStream(sessionId), listener))
    subscription.listening(this.broker.subscribe(peerStream(sessionId, peerId), listener))
    connection.send({ type: "confirm_subscription", identifier })
  }

  private async unsubscribe(connection: CableConnection, identifier: string): Promise<void> {
    const subscription = this.byConnection.get(connection)?.get(identifier)
    if (!subscription) throw new ProtocolError("unknown_subscription", "not subscribed with this identifier")
    await this.end(subscription)
  }

  private async perform(connection: CableConnection, identifier: string, data: string): Promise<void> {
    const subscription = this.byConnection.get(connection)?.get(identifier)
    if (!subscription) throw new ProtocolError("unknown_subscription", "not subscribed with this identifier")
    try {
      await this.handle(subscription, parsePeerSignal(data))
    } catch (error) {
      const refusal = asProtocolError(error)
      this.refused(connection, refusal)
      subscription.deliver({ type: "Connection", state: "Error", code: refusal.code, message: refusal.message })
    }
  }

  private async handle(subscription: Subscription, signal: PeerSignal): Promise<void> {
    const { sessionId, peerId } = subscription
    switch (signal.state) {
      case "SessionJoin":
        if (signal.lostHostPeerId) await this.probeHost(sessionId, signal.lostHostPeerId)
        return this.join(subscription)
      case "SessionLeave": {
        this.demote(subscription)
        const { hostLeft } = await this.store.leave(sessionId, peerId)
        if (hostLeft) await this.resetSession(sessionId, peerId, "host_left")
        return
      }
      case "SdpOffer":
      case "SdpAnswer":
      case "IceCandidate": {
        const check = await this.store.route(sessionId, peerId, signal.toPeerId)
        if (check !== "ok") throw routeRefusal(check, signal.toPeerId)
        const message: ServerSignal =
          signal.state === "IceCandidate"
            ? { type: "Connection", state: signal.state, peer_id: peerId, to_peer_id: signal.toPeerId, candidate: signal.candidate }
            : { type: "Connection", state: signal.state, peer_id: peerId, to_peer_id: signal.toPeerId, sdp: signal.sdp }
        return this.broker.publish(peerStream(sessionId, signal.toPeerId), { kind: "deliver", message })
      }
      case "PeerConnected":
      case "PeerDisconnected": {
        const isHost = await this.store.reportClient(sessionId, peerId, signal.clientPeerId, signal.state === "PeerConnected")
        if (!isHost) throw new ProtocolError("not_host", "only the host reports its clients")
        return
      }
    }
  }

  private async join(subscription: Subscription): Promise<void> {
    const { sessionId, peerId } = subscription
    const outcome = await this.store.join(sessionId, peerId, subscription.id, {
      maxPeers: this.options.maxPeersPerSession,
      hostLeaseMs: this.options.hostLeaseMs,
    })
    this.metrics.joins.inc({ role: outcome.role })
    switch (outcome.role) {
      case "refused":
        throw new ProtocolError("session_full", `the session has ${this.options.maxPeersPerSession} peers already`)
      case "host":
        if (outcome.replacedHost) await this.resetSession(sessionId, outcome.replacedHost.peerId, outcome.replacedHost.reason)
        this.hosts.add(subscription)
        this.logger.debug(`session ${sessionId}: ${peerId} is the host`)
        return subscription.deliver({ type: "Connection", state: "SessionReady", host_peer_id: peerId, peer_id: peerId })
      case "client": {
        this.demote(subscription)
        const ready: ServerSignal = { type: "Connection", state: "SessionReady", host_peer_id: outcome.hostPeerId, peer_id: peerId }
        subscription.deliver(ready)
        return this.broker.publish(peerStream(sessionId, outcome.hostPeerId), { kind: "deliver", message: ready })
      }
    }
  }

  /** A peer says it lost `hostPeerId`: if that is still the host, make sure it is alive. */
  private async probeHost(sessionId: string, hostPeerId: string): Promise<void> {
    const session = await this.store.get(sessionId)
    const subscriptionId = session?.hostPeerId === hostPeerId ? session.attached.get(hostPeerId) : undefined
    if (subscriptionId) await this.broker.publish(peerStream(sessionId, hostPeerId), { kind: "probe", subscriptionId })
  }

  private onEnvelope(subscription: Subscription, envelope: BrokerEnvelope): void {
    if (envelope.kind === "probe") {
      if (envelope.subscriptionId !== subscription.id) return
      subscription.connection.probe(this.options.probeTimeoutMs, () => {
        this.metrics.reject("liveness_timeout")
        this.logger.warn(`session ${subscription.sessionId}: host ${subscription.peerId} did not answer a probe; dropped`)
      })
      return
    }
    if (envelope.kind === "evict") {
      if (envelope.subscriptionId !== subscription.id) return
      subscription.deliver({ type: "Connection", state: "Error", code: envelope.reason, message: "another subscription now speaks for this peer" })
      this.forget(subscription)
      return
    }
    if (envelope.message.state === "SessionReset") this.demote(subscription)
    subscription.deliver(envelope.message)
  }

  private async resetSession(sessionId: string, hostPeerId: string, reason: SessionResetReason): Promise<void> {
    this.logger.debug(`session ${sessionId}: reset (${reason}), host was ${hostPeerId}`)
    await this.broker.publish(sessionStream(sessionId), {
      kind: "deliver",
      message: { type: "Connection", state: "SessionReset", host_peer_id: hostPeerId, reason },
    })
  }

  /** Ends a subscription in the store, resetting the session when it was the host's. */
  private async end(subscription: Subscription): Promise<void> {
    this.forget(subscription)
    const { hostLeft } = await this.store.detach(subscription.sessionId, subscription.peerId, subscription.id)
    if (hostLeft) await this.resetSession(subscription.sessionId, subscription.peerId, "host_left")
  }

  /** Drops a subscription from this node (listeners, maps, counters); idempotent. */
  private forget(subscription: Subscription): void {
    if (subscription.stop()) this.count -= 1
    this.hosts.delete(subscription)
    const subscriptions = this.byConnection.get(subscription.connection)
    if (subscriptions?.get(subscription.identifier) === subscription) subscriptions.delete(subscription.identifier)
  }

  private demote(subscription: Subscription): void {
    this.hosts.delete(subscription)
  }

  private subscriptionsOf(connection: CableConnection): Map<string, Subscription> {
    let subscriptions = this.byConnection.get(connection)
    if (!subscriptions) this.byConnection.set(connection, (subscriptions = new Map()))
    return subscriptions
  }
}

function asProtocolError(error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error
  return new ProtocolError("internal_error", error instanceof Error ? error.message : String(error))
}

function routeRefusal(check: "not_joined" | "not_host" | "peer_not_found", toPeerId: string): ProtocolError {
  switch (check) {
    case "not_joined":
      return new ProtocolError("not_joined", "send SessionJoin before signaling")
    case "not_host":
      return new ProtocolError("not_host", "signals go between the host and a client")
    case "peer_not_found":
      return new ProtocolError("peer_not_found", `peer ${toPeerId} is not in the session or holds no signaling subscription`)
  }
}
