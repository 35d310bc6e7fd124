import { randomBytes } from "node:crypto"
import type { Logger } from "./Logger.js"
import { createConsoleLogger } from "./Logger.js"
import type { Broker } from "./store/Broker.js"
import { MemoryBroker } from "./store/MemoryBroker.js"
import { MemorySessionStore } from "./store/MemorySessionStore.js"
import { createRedisBackend } from "./store/redis/createRedisBackend.js"
import type { SessionStore } from "./store/SessionStore.js"

/** Options of {@link SignalingServer}. Every one is optional except `secret` (or `allowOpenJoins`). */
export interface SignalingServerOptions {
  /** HMAC secret that join tokens are signed with; at least 16 characters. Required unless `allowOpenJoins`. */
  secret?: string
  /** Development only: accept subscriptions without a valid token. Logged loudly. Default: false. */
  allowOpenJoins?: boolean
  /** URL path of the WebSocket endpoint. Default: `/cable`. */
  path?: string
  /**
   * Origins (`scheme://host[:port]`) allowed to open a WebSocket, besides the server's own origin and
   * clients that send no `Origin` (non-browser). `["*"]` allows every origin. Default: `[]`.
   */
  allowedOrigins?: string[]
  /**
   * Also allow a page whose origin has the same host as the request's `Host` header, as Rails'
   * `allow_same_origin_as_host` does. `Host` is chosen by the client, so behind DNS rebinding any
   * site can match it; set false to allow only `allowedOrigins` (and clients with no `Origin`).
   * Default: true.
   */
  allowSameOriginAsHost?: boolean
  /** Largest accepted WebSocket message, in bytes; larger ones close the socket with 1009. Default: 65536. */
  maxPayload?: number
  /**
   * Bytes that may wait to be sent to one connection. A client that stops reading lets them pile
   * up; past this bound its connection is dropped (`slow_consumer`). Default: 1048576 (1 MiB).
   */
  maxBufferedBytes?: number
  /** A connection that holds no subscription for this long (from its opening, or since its last one ended) is closed. Default: 10000. */
  idleConnectionTimeoutMs?: number
  /** Per-connection rate limit: sustained frames per second. Default: 100. */
  rateLimitPerSecond?: number
  /** Per-connection rate limit: burst size in frames. Default: 200. */
  rateLimitBurst?: number
  /** Most channel subscriptions one connection may hold. Default: 16. */
  maxSubscriptionsPerConnection?: number
  /** Most members of one session, host included. Default: 50. */
  maxPeersPerSession?: number
  /** A session with no activity for this long is forgotten. Default: 3600000 (1 h). */
  sessionTtlMs?: number
  /** A host whose lease is not renewed for this long is stale and replaced by the next joiner. Default: 15000. */
  hostLeaseMs?: number
  /** Interval of ActionCable `ping` frames, WebSocket pings and lease renewal. Default: 3000. */
  pingIntervalMs?: number
  /** A connection that answers nothing (no frame, no pong) for this long is dropped. Default: 10000. */
  livenessTimeoutMs?: number
  /**
   * When a peer rejoins saying it lost its host, the host's connection is pinged; no answer within
   * this long and it is dropped, so its session resets without waiting for `livenessTimeoutMs`. Default: 1000.
   */
  probeTimeoutMs?: number
  /**
   * Keep session state and cross-node delivery in Redis (`redis://host:6379`), so several server
   * nodes serve one set of sessions. Excludes `store` and `broker`. Default: in memory, one node.
   */
  redis?: string
  /** Session state. Default: a new `MemorySessionStore`. */
  store?: SessionStore
  /** Cross-connection delivery. Default: a new `MemoryBroker`. */
  broker?: Broker
  /** Default: a console logger at level `info`. */
  logger?: Logger
  /** Name of this node in logs, subscription ids and Redis (letters, digits, _ -). Default: random. */
  nodeId?: string
}

export type ResolvedOptions = Required<Omit<SignalingServerOptions, "secret" | "redis">> & {
  secret: string | undefined
  /** What the log line says the backend is, e.g. `memory` or `redis 127.0.0.1:6379`. */
  backendName: string
  /** Closes the store and broker the server made itself (not ones passed in). */
  closeBackend: () => Promise<void>
}

/** Applies defaults and rejects contradictory or invalid options with a `TypeError` that names them. */
export function resolveOptions(options: SignalingServerOptions): ResolvedOptions {
  const { secret, allowOpenJoins = false } = options
  if (secret === undefined && !allowOpenJoins) {
    throw new TypeError("SignalingServer: `secret` is required (or set `allowOpenJoins: true` for development)")
  }
  if (secret !== undefined && secret.length < 16) throw new TypeError("SignalingServer: `secret` must be at least 16 characters")
  const path = options.path ?? "/cable"
  if (!path.startsWith("/")) throw new TypeError("SignalingServer: `path` must start with /")
  const sessionTtlMs = positive("sessionTtlMs", options.sessionTtlMs, 3_600_000)
  const nodeId = options.nodeId ?? randomBytes(4).toString("hex")
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(nodeId)) throw new TypeError("SignalingServer: `nodeId` must be 1-64 letters, digits, _ or -")
  const logger = options.logger ?? createConsoleLogger()
  const pingIntervalMs = positive("pingIntervalMs", options.pingIntervalMs, 3_000)
  // A node that misses three renewals (one per ping) counts as dead.
  const backend = resolveBackend(options, { nodeId, sessionTtlMs, nodeTtlMs: 3 * pingIntervalMs, logger })
  const resolved: ResolvedOptions = {
    secret,
    allowOpenJoins,
    path,
    allowedOrigins: (options.allowedOrigins ?? []).map(normaliseOrigin),
    allowSameOriginAsHost: options.allowSameOriginAsHost ?? true,
    maxPayload: positive("maxPayload", options.maxPayload, 65_536),
    maxBufferedBytes: positive("maxBufferedBytes", options.maxBufferedBytes, 1_048_576),
    idleConnectionTimeoutMs: positive("idleConnectionTimeoutMs", options.idleConnectionTimeoutMs, 10_000),
    rateLimitPerSecond: positive("rateLimitPerSecond", options.rateLimitPerSecond, 100),
    rateLimitBurst: positive("rateLimitBurst", options.rateLimitBurst, 200),
    maxSubscriptionsPerConnection: positive("maxSubscriptionsPerConnection", options.maxSubscriptionsPerConnection, 16),
    maxPeersPerSession: positive("maxPeersPerSession", options.maxPeersPerSession, 50),
    sessionTtlMs,
    hostLeaseMs: positive("hostLeaseMs", options.hostLeaseMs, 15_000),
    pingIntervalMs,
    livenessTimeoutMs: positive("livenessTimeoutMs", options.livenessTimeoutMs, 10_000),
    probeTimeoutMs: positive("probeTimeoutMs", options.probeTimeoutMs, 1_000),
    ...backend,
    logger,
    nodeId,
  }
  if (resolved.hostLeaseMs <= resolved.pingIntervalMs) {
    throw new TypeError("SignalingServer: `hostLeaseMs` must be longer than `pingIntervalMs`, which renews it")
  }
  if (resolved.livenessTimeoutMs <= resolved.pingIntervalMs) {
    throw new TypeError("SignalingServer: `livenessTimeoutMs` must be longer than `pingIntervalMs`")
  }
  return resolved
}

function resolveBackend(
  options: SignalingServerOptions,
  context: { nodeId: string; sessionTtlMs: number; nodeTtlMs: number; logger: Logger },
): Pick<ResolvedOptions, "store" | "broker" | "backendName" | "closeBackend"> {
  if (options.redis !== undefined) {
    if (options.store || options.broker) throw new TypeError("SignalingServer: `redis` cannot be combined with `store` or `broker`")
    let url: URL
    try {
      url = new URL(options.redis)
    } catch {
      throw new TypeError(`SignalingServer: \`redis\` must be a URL like redis://127.0.0.1:6379, got "${options.redis}"`)
    }
    if (url.protocol !== "redis:" && url.protocol !== "rediss:") throw new TypeError("SignalingServer: `redis` must be a redis:// or rediss:// URL")
    const backend = createRedisBackend({ url: options.redis, ...context })
    return { store: backend.store, broker: backend.broker, backendName: `redis ${url.host}`, closeBackend: () => backend.close() }
  }
  const store = options.store ?? new MemorySessionStore({ sessionTtlMs: context.sessionTtlMs })
  const broker = options.broker ?? new MemoryBroker()
  const owned = [options.store ? undefined : store, options.broker ? undefined : broker]
  return {
    store,
    broker,
    backendName: options.store ? "custom" : "memory",
    closeBackend: async () => {
      for (const part of owned) await part?.close()
    },
  }
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`SignalingServer: \`${name}\` must be a positive number`)
  return value
}

function normaliseOrigin(origin: string): string {
  if (origin === "*") return origin
  try {
    return new URL(origin).origin
  } catch {
    throw new TypeError(`SignalingServer: allowed origin "${origin}" is not a URL origin like https://app.example`)
  }
}
