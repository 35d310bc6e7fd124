import { createHash } from "node:crypto"
import type { Redis } from "ioredis"
import { ProtocolError } from "../../../protocol/ProtocolError.js"
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
} from "../SessionStore.js"
import * as Scripts from "./sessionScripts.js"

export interface RedisSessionStoreOptions {
  /** A connected ioredis client; the store does not close it. */
  redis: Redis
  /** This node's id: the prefix of its subscription ids (no `:`). */
  nodeId: string
  /** An idle session is forgotten after this long (the hash's TTL). Default: 1 hour. */
  sessionTtlMs?: number
  /** How long this node counts as alive without renewing. Default: 10000. */
  nodeTtlMs?: number
  /** Key prefix. Default: `p2p:`. */
  prefix?: string
}

/**
 * Session state in Redis, shared by every node: each operation is one Lua script, atomic across
 * the cluster. Each node keeps a `node:<id>` key alive; a node that dies takes its attachments and
 * its hosts with it once that key expires. Redis Cluster is not supported (scripts touch node keys).
 */
export class RedisSessionStore implements SessionStore {
  private readonly redis: Redis
  private readonly prefix: string
  private readonly ttl: string
  private readonly nodeKey: string
  private readonly nodeTtlMs: number
  private readonly heartbeat: NodeJS.Timeout
  private readonly shas = new Map<string, string>()
  private readonly recoveredListeners = new Set<() => void>()
  private wasReady: boolean

  constructor(options: RedisSessionStoreOptions) {
    if (options.nodeId.includes(":")) throw new TypeError("RedisSessionStore: nodeId must not contain ':'")
    this.redis = options.redis
    this.prefix = options.prefix ?? "p2p:"
    this.ttl = String(options.sessionTtlMs ?? 3_600_000)
    this.nodeKey = `${this.prefix}node:${options.nodeId}`
    this.nodeTtlMs = options.nodeTtlMs ?? 10_000
    this.heartbeat = setInterval(() => void this.markAlive().catch(() => {}), Math.floor(this.nodeTtlMs / 3))
    this.heartbeat.unref()
    void this.markAlive().catch(() => {})
    this.wasReady = this.redis.status === "ready"
    // ioredis says "ready" on the first connect and after every reconnect; only the latter is a recovery.
    this.redis.on("ready", () => {
      const recovered = this.wasReady
      this.wasReady = true
      if (!recovered) return
      void this.markAlive().catch(() => {})
      for (const listener of [...this.recoveredListeners]) listener()
    })
  }

  /** Marks this node alive for `nodeTtlMs`. Runs on a timer; call it to be sure before serving. */
  async markAlive(): Promise<void> {
    await this.redis.set(this.nodeKey, "1", "PX", this.nodeTtlMs)
  }

  async attach(sessionId: string, peerId: string, subscriptionId: string): Promise<AttachOutcome> {
    const displaced = String(await this.run(Scripts.ATTACH, sessionId, peerId, subscriptionId))
    return displaced ? { displacedSubscriptionId: displaced } : {}
  }

  async detach(sessionId: string, peerId: string, subscriptionId: string): Promise<{ hostLeft: boolean }> {
    return { hostLeft: Number(await this.run(Scripts.DETACH, sessionId, peerId, subscriptionId)) === 1 }
  }

  async join(sessionId: string, peerId: string, subscriptionId: string, limits: JoinLimits): Promise<JoinOutcome> {
    const [role, other] = (await this.run(Scripts.JOIN, sessionId, peerId, subscriptionId, limits.maxPeers, limits.hostLeaseMs)) as [string, string]
    if (role === "refused") return { role: "refused", reason: "session_full" }
    if (role === "client") return { role: "client", hostPeerId: other }
    // The script replaces a host only when its lease lapsed or its node is gone: a stale host.
    return other ? { role: "host", replacedHost: { peerId: other, reason: "host_stale" } } : { role: "host" }
  }

  async leave(sessionId: string, peerId: string): Promise<{ hostLeft: boolean }> {
    return { hostLeft: Number(await this.run(Scripts.LEAVE, sessionId, peerId)) === 1 }
  }

  async reportClient(sessionId: string, hostPeerId: string, clientPeerId: string, connected: boolean): Promise<ReportOutcome> {
    return (await this.run(Scripts.REPORT, sessionId, hostPeerId, clientPeerId, connected ? "1" : "0")) as ReportOutcome
  }

  async restore(sessionId: string, peerId: string, subscriptionId: string, claim: RestoreClaim): Promise<RestoreOutcome> {
    const [lease, clients] = claim.role === "host" ? [claim.leaseMs, claim.clients] : [0, []]
    return (await this.run(Scripts.RESTORE, sessionId, peerId, subscriptionId, claim.role, lease, ...clients)) as RestoreOutcome
  }

  onRecovered(listener: () => void): () => void {
    this.recoveredListeners.add(listener)
    return () => this.recoveredListeners.delete(listener)
  }

  reachable(): boolean {
    return this.redis.status === "ready"
  }

  async renewHostLease(sessionId: string, peerId: string, subscriptionId: string, leaseMs: number): Promise<LeaseRenewal> {
    return (await this.run(Scripts.RENEW, sessionId, peerId, subscriptionId, leaseMs)) as LeaseRenewal
  }

  async route(sessionId: string, fromPeerId: string, toPeerId: string): Promise<RouteCheck> {
    return (await this.run(Scripts.ROUTE, sessionId, fromPeerId, toPeerId)) as RouteCheck
  }

  async get(sessionId: string): Promise<SessionSnapshot | undefined> {
    const flat = (await this.run(Scripts.GET, sessionId)) as string[]
    if (flat.length === 0) return undefined
    let hostPeerId: string | undefined
    const members = new Map<string, { connected: boolean }>()
    const attached = new Map<string, string>()
    for (let i = 0; i < flat.length; i += 2) {
      const field = flat[i] ?? ""
      const value = flat[i + 1] ?? ""
      if (field === "host") hostPeerId = value
      else if (field.startsWith("m:")) members.set(field.slice(2), { connected: value === "1" })
      else if (field.startsWith("a:")) attached.set(field.slice(2), value)
    }
    return { hostPeerId, members, attached }
  }

  async countSessions(): Promise<number> {
    let cursor = "0"
    let count = 0
    do {
      const [next, keys] = await this.redis.scan(cursor, "MATCH", `${this.prefix}sess:*`, "COUNT", 1000)
      cursor = next
      count += keys.length
    } while (cursor !== "0")
    return count
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat)
    await this.redis.del(this.nodeKey).catch(() => {})
  }

  private async run(lua: string, sessionId: string, ...args: Array<string | number>): Promise<unknown> {
    const key = `${this.prefix}sess:${sessionId}`
    const argv = [this.prefix, this.ttl, ...args.map(String)]
    let sha = this.shas.get(lua)
    if (!sha) this.shas.set(lua, (sha = createHash("sha1").update(lua).digest("hex")))
    try {
      try {
        return await this.redis.evalsha(sha, 1, key, ...argv)
      } catch (error) {
        if (!String(error).includes("NOSCRIPT")) throw error
        return await this.redis.eval(lua, 1, key, ...argv)
      }
    } catch (error) {
      throw new ProtocolError("store_unavailable", `the session store (Redis) failed: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
}
