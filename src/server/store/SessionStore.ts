import type { SessionResetReason } from "../../protocol/Signal.js"

/** Limits a join is checked against. */
export interface JoinLimits {
  /** Most peers, host included, that may be members of one session. */
  maxPeers: number
  /** How long a newly elected host's lease lasts before it must be renewed. */
  hostLeaseMs: number
}

/** What a `SessionJoin` led to. */
export type JoinOutcome =
  | { role: "host"; replacedHost?: { peerId: string; reason: SessionResetReason } }
  | { role: "client"; hostPeerId: string }
  | { role: "refused"; reason: "session_full" }

/**
 * What attaching a new subscription for a peer displaced. A displaced host subscription hands the
 * host role to the new one: the same peer is back (a signaling reconnect keeps its links).
 */
export interface AttachOutcome {
  /** The subscription that spoke for this peer before, now displaced. */
  displacedSubscriptionId?: string
}

/** The answer of {@link SessionStore.renewHostLease}. */
export type LeaseRenewal = "renewed" | "reclaimed" | "lost"

/** The answer of {@link SessionStore.reportClient}. */
export type ReportOutcome = "ok" | "not_host" | "not_member"

/**
 * What a node knows of one of its subscriptions, re-asserted with {@link SessionStore.restore}
 * after the store may have lost state: a host (with the clients it reported connected), a member
 * that joined, or a subscription that has not joined.
 */
export type RestoreClaim =
  | { role: "host"; leaseMs: number; clients: readonly string[] }
  | { role: "member" }
  | { role: "attached" }

/** The answer of {@link SessionStore.restore}: `displaced`, another subscription speaks for the peer now; `lost`, another peer is host now. */
export type RestoreOutcome = "ok" | "displaced" | "lost"

/** The answer of {@link SessionStore.route}. */
export type RouteCheck = "ok" | "not_joined" | "not_host" | "peer_not_found"

/** A read-only view of one session. */
export interface SessionSnapshot {
  hostPeerId: string | undefined
  /** Peers that joined since the session last formed, and whether the host reports them connected. */
  members: ReadonlyMap<string, { connected: boolean }>
  /** Peers with a live subscription, and which subscription speaks for each. */
  attached: ReadonlyMap<string, string>
}

/**
 * Session state: who is attached, who joined, who is host. Every method is atomic per session,
 * so two joins racing on any number of server nodes still elect exactly one host.
 * Subscription ids start with `<node id>:`, so a store shared by nodes can tell whose they are.
 * Implementations: `MemorySessionStore`; the shared conformance suite is test/store/conformance.ts.
 */
export interface SessionStore {
  /** Records that `subscriptionId` now speaks for the peer, displacing any earlier subscription. */
  attach(sessionId: string, peerId: string, subscriptionId: string): Promise<AttachOutcome>
  /** Ends a subscription. Returns `hostLeft` when it was the host's, which resets the session. */
  detach(sessionId: string, peerId: string, subscriptionId: string): Promise<{ hostLeft: boolean }>
  /** Joins the session: the first member, or the first after a reset or a stale host, is the host. */
  join(sessionId: string, peerId: string, subscriptionId: string, limits: JoinLimits): Promise<JoinOutcome>
  /** Leaves the session but keeps the subscription. Returns `hostLeft` when the host left. */
  leave(sessionId: string, peerId: string): Promise<{ hostLeft: boolean }>
  /**
   * The host reports a client connected or gone. Only a peer that joined can be reported
   * connected (`not_member` otherwise), so a host cannot fill its session with made-up members.
   */
  reportClient(sessionId: string, hostPeerId: string, clientPeerId: string, connected: boolean): Promise<ReportOutcome>
  /**
   * Renews the lease of a host whose subscription is still alive. When the store has forgotten the
   * session's host (a restarted store, an expired session), the subscription reclaims the role.
   * `lost`: someone else is host now.
   */
  renewHostLease(sessionId: string, peerId: string, subscriptionId: string, leaseMs: number): Promise<LeaseRenewal>
  /**
   * Checks that a signal may pass from one peer to another: both members, one of them the host,
   * the receiver holding a subscription. Returns the refusal reason, or "ok".
   */
  route(sessionId: string, fromPeerId: string, toPeerId: string): Promise<RouteCheck>
  /**
   * Re-asserts one live subscription after the store may have lost state (see {@link onRecovered}),
   * without overriding what happened meanwhile: a peer another subscription took over is
   * `displaced`, a host another peer replaced is `lost`.
   */
  restore(sessionId: string, peerId: string, subscriptionId: string, claim: RestoreClaim): Promise<RestoreOutcome>
  /** Calls `listener` each time the store is reachable again after an outage (it may have lost state). Returns the unsubscribe. */
  onRecovered(listener: () => void): () => void
  /** Whether the store answers right now, for `/healthz`. */
  reachable(): boolean
  /** The session as it stands, or undefined when nothing is known of it. */
  get(sessionId: string): Promise<SessionSnapshot | undefined>
  /** How many sessions are known. */
  countSessions(): Promise<number>
  close(): Promise<void>
}
