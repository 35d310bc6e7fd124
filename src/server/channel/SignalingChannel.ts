import type { ClientCommand } from "../../protocol/CableFrame.js"
import { parseChannelIdentifier, type ChannelIdentifier } from "../../protocol/ChannelIdentifier.js"
import { ProtocolError } from "../../protocol/ProtocolError.js"
import { parsePeerSignal, type PeerSignal, type ServerSignal, type SessionResetReason } from "../../protocol/Signal.js"
import { verifyJoinToken } from "../JoinToken.js"
import type { Logger } from "../Logger.js"
import type { Metrics } from "../Metrics.js"
import { RefusalLog } from "../RefusalLog.js"
import type { ResolvedOptions } from "../SignalingServerOptions.js"
import { peerStream, sessionStream, type Broker, type BrokerEnvelope } from "../store/Broker.js"
import type { AttachOutcome, RestoreClaim, SessionStore } from "../store/SessionStore.js"
import type { CableConnection, CableConnectionDelegate } from "../transport/CableConnection.js"
import { StoreHealth } from "./StoreHealth.js"
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
  // Subscriptions that ended while the store was unreachable: released once it answers again.
  private readonly unreleased = new Set<Subscription>()
  private readonly refusals: RefusalLog
  private readonly storeHealth: StoreHealth
  private readonly stopRecovery: () => void
  private sequence = 0
  private count = 0

  constructor(
    private readonly options: ChannelOptions,
    private readonly store: SessionStore,
    private readonly broker: Broker,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.refusals = new RefusalLog(logger)
    this.storeHealth = new StoreHealth(logger)
    this.stopRecovery = store.onRecovered(() => void this.restoreAll())
  }

  get subscriptionCount(): number {
    return this.count
  }

  /** Whether a connection holds any subscription. */
  holdsSubscriptions(connection: CableConnection): boolean {
    return (this.byConnection.get(connection)?.size ?? 0) > 0
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
    if (options?.quiet) return
    this.refusals.warn(`connection ${connection.id}: refused (${error.code}): ${error.message}`)
    // Rate limiting drops frames of every subscription on the connection: each hears of it, once a second.
    if (error.code === "rate_limited") for (const subscription of this.byConnection.get(connection)?.values() ?? []) subscription.deliver(errorSignal(error))
  }

  async closed(connection: CableConnection): Promise<void> {
    const subscriptions = [...(this.byConnection.get(connection)?.values() ?? [])]
    this.byConnection.delete(connection)
    for (const subscription of subscriptions) this.forget(subscription)
    await Promise.all(subscriptions.map((subscription) => this.release(subscription)))
  }

  /**
   * The periodic work, once per ping interval: releases what ended while the store was unreachable,
   * and flushes the refusal log.
   */
  async maintain(): Promise<void> {
    this.refusals.flush()
    await Promise.all([...this.unreleased].map((subscription) => this.release(subscription)))
  }

  /**
   * Renews the leases of the hosts this node holds on `connections` (re-registering them where the
   * store forgot them, demoting those another peer replaced). The server calls it for each group of
   * connections as it pings them, so every lease is renewed once per ping interval.
   */
  async renewLeases(connections: ReadonlySet<CableConnection>): Promise<void> {
    const due: Subscription[] = []
    for (const connection of connections) {
      for (const subscription of this.byConnection.get(connection)?.values() ?? []) if (this.hosts.has(subscription)) due.push(subscription)
    }
    await Promise.all(due.map(async (host) => {
      const renewal = await this.storeHealth
        .guard(() => this.store.renewHostLease(host.sessionId, host.peerId, host.id, this.options.hostLeaseMs))
        .catch(() => undefined) // logged by storeHealth; tried again at the next tick
      if (renewal === "reclaimed") this.logger.info(`session ${host.sessionId}: host ${host.peerId} re-registered with the store`)
      if (renewal === "lost" && this.hosts.has(host)) this.replaced(host)
    }))
  }

  /** Stops listening to the store. */
  close(): void {
    this.stopRecovery()
  }

  private async subscribe(connection: CableConnection, identifier: string): Promise<void> {
    const subscriptions = this.subscriptionsOf(connection)
    // The official client re-sends `subscribe` until confirmed; like Rails, ignore repeats.
    if (subscriptions.has(identifier)) return this.logger.debug(`connection ${connection.id}: already subscribed`)
    let subscription: Subscription
    let join: ChannelIdentifier["join"]
    try {
      const { sessionId, peerId, token, join: joinRequest } = parseChannelIdentifier(identifier)
      join = joinRequest
      if (!this.options.allowOpenJoins) verifyJoinToken(this.options.secret ?? "", token, sessionId, peerId)
      if (subscriptions.size >= this.options.maxSubscriptionsPerConnection) {
        throw new ProtocolError("too_many_subscriptions", `at most ${this.options.maxSubscriptionsPerConnection} subscriptions per connection`)
      }
      subscription = new Subscription(`${this.options.nodeId}:${connection.id}:${++this.sequence}`, identifier, sessionId, peerId, connection)
    } catch (error) {
      const refusal = asProtocolError(error)
      this.refused(connection, refusal)
      // The official client's `rejected` callback carries no reason: it hears it first as a message.
      this.sendError(connection, identifier, refusal)
      return connection.send({ type: "reject_subscription", identifier, reason: refusal.code })
    }
    subscriptions.set(identifier, subscription)
    this.count += 1
    const { sessionId, peerId } = subscription
    let outcome: AttachOutcome
    try {
      outcome = await this.storeHealth.guard(() => this.store.attach(sessionId, peerId, subscription.id))
    } catch (error) {
      // Not subscribed after all, and not told: the official client re-sends `subscribe` until it is confirmed.
      this.forget(subscription)
      throw error
    }
    if (outcome.displacedSubscriptionId) {
      this.logger.info(`session ${sessionId}: peer ${peerId} subscribed again; the earlier subscription is replaced`)
      await this.broker.publish(peerStream(sessionId, peerId), { kind: "evict", subscriptionId: outcome.displacedSubscriptionId, reason: "peer_replaced" })
    }
    const listener = (envelope: BrokerEnvelope) => this.onEnvelope(subscription, envelope)
    subscription.listen(this.broker, listener)
    connection.send({ type: "confirm_subscription", identifier })
    // Joining with the subscription: the same as a SessionJoin message arriving right after the confirmation.
    if (join) await this.handleOn(subscription, { state: "SessionJoin", ...join })
  }

  private async unsubscribe(connection: CableConnection, identifier: string): Promise<void> {
    const subscription = this.byConnection.get(connection)?.get(identifier)
    if (!subscription) return this.notSubscribed(connection, identifier)
    this.forget(subscription)
    await this.release(subscription)
  }

  private async perform(connection: CableConnection, identifier: string, data: string): Promise<void> {
    const subscription = this.byConnection.get(connection)?.get(identifier)
    if (!subscription) return this.notSubscribed(connection, identifier)
    let signal: PeerSignal
    try {
      signal = parsePeerSignal(data)
    } catch (error) {
      return this.refusedOn(subscription, error)
    }
    await this.handleOn(subscription, signal)
  }

  /** Handles a signal from `subscription`'s peer; a refusal goes back to it as an `Error` message. */
  private async handleOn(subscription: Subscription, signal: PeerSignal): Promise<void> {
    try {
      await this.handle(subscription, signal)
    } catch (error) {
      this.refusedOn(subscription, error)
    }
  }

  private refusedOn(subscription: Subscription, error: unknown): void {
    const refusal = asProtocolError(error)
    this.refused(subscription.connection, refusal)
    subscription.deliver(errorSignal(refusal))
  }

  // The error goes on the identifier the frame named: an official client that still holds that
  // subscription hears of it, one that does not ignores it.
  private notSubscribed(connection: CableConnection, identifier: string): void {
    const refusal = new ProtocolError("unknown_subscription", "not subscribed with this identifier")
    this.refused(connection, refusal)
    this.sendError(connection, identifier, refusal)
  }

  /** An `Error` message on an identifier that holds no subscription on this node. */
  private sendError(connection: CableConnection, identifier: string, refusal: ProtocolError): void {
    connection.send({ identifier, message: errorSignal(refusal) })
  }

  private async handle(subscription: Subscription, signal: PeerSignal): Promise<void> {
    const { sessionId, peerId } = subscription
    switch (signal.state) {
      case "SessionJoin":
        if (signal.lostHostPeerId) await this.probeHost(sessionId, signal.lostHostPeerId)
        return this.join(subscription)
      case "SessionLeave": {
        this.demote(subscription)
        const { hostLeft } = await this.storeHealth.guard(() => this.store.leave(sessionId, peerId))
        if (hostLeft) await this.resetSession(sessionId, peerId, "host_left")
        return
      }
      case "SdpOffer":
      case "SdpAnswer":
      case "IceCandidate": {
        if (signal.toPeerId === peerId) throw new ProtocolError("bad_message", "a peer cannot signal itself")
        const check = await this.storeHealth.guard(() => this.store.route(sessionId, peerId, signal.toPeerId))
        if (check !== "ok") throw routeRefusal(check, signal.toPeerId)
        const message: ServerSignal =
          signal.state === "IceCandidate"
            ? { type: "Connection", state: signal.state, peer_id: peerId, to_peer_id: signal.toPeerId, candidate: signal.candidate }
            : { type: "Connection", state: signal.state, peer_id: peerId, to_peer_id: signal.toPeerId, sdp: signal.sdp }
        return this.broker.publish(peerStream(sessionId, signal.toPeerId), { kind: "deliver", message })
      }
      case "ProbeAck":
        return // this server probes with WebSocket pings; an answer to a Probe is welcome all the same
      case "PeerConnected":
      case "PeerDisconnected": {
        const connected = signal.state === "PeerConnected"
        const outcome = await this.storeHealth.guard(() => this.store.reportClient(sessionId, peerId, signal.clientPeerId, connected))
        if (outcome === "not_host") throw new ProtocolError("not_host", "only the host reports its clients")
        if (outcome === "not_member") throw new ProtocolError("peer_not_found", `peer ${signal.clientPeerId} has not joined this session`)
        subscription.reported(signal.clientPeerId, connected)
        return
      }
    }
  }

  private async join(subscription: Subscription): Promise<void> {
    const { sessionId, peerId } = subscription
    const outcome = await this.storeHealth.guard(() =>
      this.store.join(sessionId, peerId, subscription.id, { maxPeers: this.options.maxPeersPerSession, hostLeaseMs: this.options.hostLeaseMs }),
    )
    this.metrics.joined(outcome.role)
    switch (outcome.role) {
      case "refused":
        throw new ProtocolError("session_full", `the session has ${this.options.maxPeersPerSession} peers already`)
      case "host":
        if (outcome.replacedHost) await this.resetSession(sessionId, outcome.replacedHost.peerId, outcome.replacedHost.reason)
        if (subscription.role !== "host") subscription.forgetClients()
        subscription.role = "host"
        this.hosts.add(subscription)
        this.logger.debug(`session ${sessionId}: ${peerId} is the host`)
        return subscription.deliver({ type: "Connection", state: "SessionReady", host_peer_id: peerId, peer_id: peerId })
      case "client": {
        this.demote(subscription)
        subscription.role = "member"
        const ready: ServerSignal = { type: "Connection", state: "SessionReady", host_peer_id: outcome.hostPeerId, peer_id: peerId }
        subscription.deliver(ready)
        return this.broker.publish(peerStream(sessionId, outcome.hostPeerId), { kind: "deliver", message: ready })
      }
    }
  }

  /** A peer says it lost `hostPeerId`: if that is still the host, make sure it is alive. */
  private async probeHost(sessionId: string, hostPeerId: string): Promise<void> {
    const session = await this.storeHealth.guard(() => this.store.get(sessionId))
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
      if (envelope.subscriptionId === subscription.id) this.evict(subscription)
      return
    }
    if (envelope.message.state === "SessionReset") this.demote(subscription)
    subscription.deliver(envelope.message)
  }

  /**
   * After the store was unreachable (it may have restarted empty), re-registers every subscription
   * this node holds: attachments, memberships, hosts and the clients they reported.
   */
  private async restoreAll(): Promise<void> {
    const subscriptions = [...this.byConnection.values()].flatMap((map) => [...map.values()])
    this.logger.info(`session store reachable again: re-registering ${subscriptions.length} subscriptions`)
    await Promise.all(subscriptions.map(async (subscription) => {
      const claim: RestoreClaim =
        subscription.role === "host"
          ? { role: "host", leaseMs: this.options.hostLeaseMs, clients: subscription.reportedClients }
          : { role: subscription.role }
      let outcome
      try {
        outcome = await this.store.restore(subscription.sessionId, subscription.peerId, subscription.id, claim)
      } catch (error) {
        return this.logger.warn(`re-registering session ${subscription.sessionId} peer ${subscription.peerId} failed: ${String(error)}`)
      }
      if (outcome === "displaced") this.evict(subscription)
      else if (outcome === "lost" && subscription.role === "host") this.replaced(subscription)
    }))
  }

  private async resetSession(sessionId: string, hostPeerId: string, reason: SessionResetReason): Promise<void> {
    this.logger.debug(`session ${sessionId}: reset (${reason}), host was ${hostPeerId}`)
    await this.broker.publish(sessionStream(sessionId), {
      kind: "deliver",
      message: { type: "Connection", state: "SessionReset", host_peer_id: hostPeerId, reason },
    })
  }

  /**
   * Ends a forgotten subscription in the store, resetting the session when it was the host's.
   * When the store cannot be reached, it is kept and tried again at each {@link maintain}.
   */
  private async release(subscription: Subscription): Promise<void> {
    let hostLeft: boolean
    try {
      ;({ hostLeft } = await this.storeHealth.guard(() => this.store.detach(subscription.sessionId, subscription.peerId, subscription.id)))
    } catch {
      this.unreleased.add(subscription)
      return
    }
    this.unreleased.delete(subscription)
    if (!hostLeft) return
    await this.resetSession(subscription.sessionId, subscription.peerId, "host_left").catch((error: unknown) =>
      this.logger.warn(`session ${subscription.sessionId}: could not announce that its host left: ${String(error)}`),
    )
  }

  /** Another subscription speaks for this peer now: this one hears so and ends on this node. */
  private evict(subscription: Subscription): void {
    subscription.deliver({ type: "Connection", state: "Error", code: "peer_replaced", message: "another subscription now speaks for this peer" })
    this.forget(subscription)
  }

  /** Another peer became host while this one thought it was: it alone hears so, and should join again. */
  private replaced(host: Subscription): void {
    this.demote(host)
    host.deliver({ type: "Connection", state: "SessionReset", host_peer_id: host.peerId, reason: "host_replaced" })
  }

  /** Drops a subscription from this node (listeners, maps, counters); idempotent. */
  private forget(subscription: Subscription): void {
    if (subscription.stop(this.broker)) this.count -= 1
    this.hosts.delete(subscription)
    const subscriptions = this.byConnection.get(subscription.connection)
    if (subscriptions?.get(subscription.identifier) === subscription) subscriptions.delete(subscription.identifier)
  }

  private demote(subscription: Subscription): void {
    this.hosts.delete(subscription)
    subscription.role = "attached"
    subscription.forgetClients()
  }

  private subscriptionsOf(connection: CableConnection): Map<string, Subscription> {
    let subscriptions = this.byConnection.get(connection)
    if (!subscriptions) this.byConnection.set(connection, (subscriptions = new Map()))
    return subscriptions
  }
}

function errorSignal(refusal: ProtocolError): ServerSignal {
  return { type: "Connection", state: "Error", code: refusal.code, message: refusal.message }
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
