import type { SessionResetReason } from "../../protocol/Signal.js"
import type {
  AttachOutcome,
  JoinLimits,
  JoinOutcome,
  LeaseRenewal,
  ReportOutcome,
  RestoreClaim,
  RestoreOutcome,
  RouteCheck,
  SessionSnapshot,
  SessionStore,
} from "./SessionStore.js"

interface SessionRecord {
  host: { peerId: string; subscriptionId: string; leaseUntil: number } | undefined
  members: Map<string, { connected: boolean }>
  attached: Map<string, string>
  touchedAt: number
}

export interface MemorySessionStoreOptions {
  /** A session with no activity for this long is forgotten. Default: 1 hour. */
  sessionTtlMs?: number
  /** Clock, for tests. Default: `Date.now`. */
  now?: () => number
}

/** The in-process session store: the default, for a single server node. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, SessionRecord>()
  private readonly ttlMs: number
  private readonly now: () => number
  private readonly sweeper: NodeJS.Timeout

  constructor(options: MemorySessionStoreOptions = {}) {
    this.ttlMs = options.sessionTtlMs ?? 3_600_000
    this.now = options.now ?? Date.now
    this.sweeper = setInterval(() => this.sweep(), Math.min(this.ttlMs, 60_000))
    this.sweeper.unref()
  }

  async attach(sessionId: string, peerId: string, subscriptionId: string): Promise<AttachOutcome> {
    const session = this.record(sessionId)
    const displaced = session.attached.get(peerId)
    session.attached.set(peerId, subscriptionId)
    if (displaced === undefined || displaced === subscriptionId) return {}
    // The host's own peer id coming back (a signaling reconnect, or a reload) keeps the host role.
    if (session.host?.subscriptionId === displaced) session.host.subscriptionId = subscriptionId
    else session.members.delete(peerId)
    return { displacedSubscriptionId: displaced }
  }

  async detach(sessionId: string, peerId: string, subscriptionId: string): Promise<{ hostLeft: boolean }> {
    const session = this.existing(sessionId)
    if (!session || session.attached.get(peerId) !== subscriptionId) return { hostLeft: false }
    session.attached.delete(peerId)
    const hostLeft = session.host?.subscriptionId === subscriptionId
    // A client not yet reported connected stays listed (its link may open as it leaves signaling),
    // but no longer counts: joins purge such entries (see countMembers).
    if (hostLeft) this.reset(session)
    this.dropIfEmpty(sessionId, session)
    return { hostLeft }
  }

  async join(sessionId: string, peerId: string, subscriptionId: string, limits: JoinLimits): Promise<JoinOutcome> {
    const session = this.record(sessionId)
    session.attached.set(peerId, subscriptionId)
    let replacedHost: { peerId: string; reason: SessionResetReason } | undefined
    if (session.host && session.host.peerId !== peerId && session.host.leaseUntil <= this.now()) {
      replacedHost = { peerId: session.host.peerId, reason: "host_stale" }
      this.reset(session)
    }
    if (!session.host || session.host.peerId === peerId) {
      // A new host forms a new session: nobody is a member of it yet.
      if (!session.host) session.members.clear()
      session.host = { peerId, subscriptionId, leaseUntil: this.now() + limits.hostLeaseMs }
      session.members.set(peerId, { connected: true })
      return replacedHost ? { role: "host", replacedHost } : { role: "host" }
    }
    if (!session.members.has(peerId) && this.countMembers(session) >= limits.maxPeers) {
      return { role: "refused", reason: "session_full" }
    }
    session.members.set(peerId, { connected: false })
    return { role: "client", hostPeerId: session.host.peerId }
  }

  async leave(sessionId: string, peerId: string): Promise<{ hostLeft: boolean }> {
    const session = this.existing(sessionId)
    if (!session) return { hostLeft: false }
    const hostLeft = session.host?.peerId === peerId
    if (hostLeft) this.reset(session)
    else session.members.delete(peerId)
    this.dropIfEmpty(sessionId, session)
    return { hostLeft }
  }

  async reportClient(sessionId: string, hostPeerId: string, clientPeerId: string, connected: boolean): Promise<ReportOutcome> {
    const session = this.existing(sessionId)
    if (!session || session.host?.peerId !== hostPeerId) return "not_host"
    if (clientPeerId === hostPeerId) return "ok"
    if (!session.members.has(clientPeerId)) return connected ? "not_member" : "ok"
    if (connected || session.attached.has(clientPeerId)) session.members.set(clientPeerId, { connected })
    else session.members.delete(clientPeerId)
    return "ok"
  }

  async restore(sessionId: string, peerId: string, subscriptionId: string, claim: RestoreClaim): Promise<RestoreOutcome> {
    const session = this.record(sessionId)
    const current = session.attached.get(peerId)
    if (current !== undefined && current !== subscriptionId) return "displaced"
    session.attached.set(peerId, subscriptionId)
    if (claim.role === "host") {
      if (session.host && session.host.subscriptionId !== subscriptionId) return "lost"
      session.host = { peerId, subscriptionId, leaseUntil: this.now() + claim.leaseMs }
      session.members.set(peerId, { connected: true })
      for (const client of claim.clients) if (client !== peerId) session.members.set(client, { connected: true })
    } else if (claim.role === "member" && !session.members.has(peerId)) {
      session.members.set(peerId, { connected: false })
    }
    return "ok"
  }

  // In memory, state is never lost.
  onRecovered(): () => void {
    return () => {}
  }

  reachable(): boolean {
    return true
  }

  async renewHostLease(sessionId: string, peerId: string, subscriptionId: string, leaseMs: number): Promise<LeaseRenewal> {
    const session = this.record(sessionId)
    if (!session.host) {
      session.host = { peerId, subscriptionId, leaseUntil: this.now() + leaseMs }
      session.attached.set(peerId, subscriptionId)
      session.members.set(peerId, { connected: true })
      return "reclaimed"
    }
    if (session.host.subscriptionId !== subscriptionId) return "lost"
    session.host.leaseUntil = this.now() + leaseMs
    return "renewed"
  }

  async route(sessionId: string, fromPeerId: string, toPeerId: string): Promise<RouteCheck> {
    const session = this.existing(sessionId)
    if (!session?.members.has(fromPeerId)) return "not_joined"
    const hostPeerId = session.host?.peerId
    if (fromPeerId !== hostPeerId && toPeerId !== hostPeerId) return "not_host"
    if (!session.members.has(toPeerId) || !session.attached.has(toPeerId)) return "peer_not_found"
    return "ok"
  }

  async get(sessionId: string): Promise<SessionSnapshot | undefined> {
    const session = this.existing(sessionId, false)
    if (!session) return undefined
    return { hostPeerId: session.host?.peerId, members: new Map(session.members), attached: new Map(session.attached) }
  }

  async countSessions(): Promise<number> {
    this.sweep()
    return this.sessions.size
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper)
    this.sessions.clear()
  }

  /** Forgets sessions idle for longer than the TTL. */
  sweep(): void {
    const cutoff = this.now() - this.ttlMs
    for (const [id, session] of this.sessions) if (session.touchedAt <= cutoff) this.sessions.delete(id)
  }

  private record(sessionId: string): SessionRecord {
    const session = this.existing(sessionId) ?? { host: undefined, members: new Map(), attached: new Map(), touchedAt: 0 }
    session.touchedAt = this.now()
    this.sessions.set(sessionId, session)
    return session
  }

  private existing(sessionId: string, touch = true): SessionRecord | undefined {
    const session = this.sessions.get(sessionId)
    if (!session) return undefined
    if (session.touchedAt <= this.now() - this.ttlMs) {
      this.sessions.delete(sessionId)
      return undefined
    }
    if (touch) session.touchedAt = this.now()
    return session
  }

  /** Members that count toward the limit: the host, those reported connected, those still attached. Purges the rest. */
  private countMembers(session: SessionRecord): number {
    for (const [peerId, member] of session.members) {
      if (!member.connected && peerId !== session.host?.peerId && !session.attached.has(peerId)) session.members.delete(peerId)
    }
    return session.members.size
  }

  private reset(session: SessionRecord): void {
    session.host = undefined
    session.members.clear()
  }

  private dropIfEmpty(sessionId: string, session: SessionRecord): void {
    if (session.attached.size === 0 && session.members.size === 0 && !session.host) this.sessions.delete(sessionId)
  }
}
