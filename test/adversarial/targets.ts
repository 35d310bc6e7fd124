import { readFileSync } from "node:fs"
import { buildChannelIdentifier } from "../../src/protocol/ChannelIdentifier.js"
import { signJoinToken } from "../../src/server/JoinToken.js"
import type { Logger } from "../../src/server/Logger.js"
import { startRails, type RailsProcess } from "../helpers/railsServer.js"
import { rejections, SECRET, startTestServer } from "../helpers/testServer.js"

/** The limits a suite sets; each server takes them in its own units and names. */
export interface AttackLimits {
  maxPayload?: number
  rateLimitPerSecond?: number
  rateLimitBurst?: number
  maxSubscriptionsPerConnection?: number
  idleConnectionTimeoutMs?: number
  livenessTimeoutMs?: number
  probeTimeoutMs?: number
  /** The Node server only: keep its state in this Redis. */
  redis?: string
}

/** A running server as an attacker meets it: its URLs, valid identifiers, its log and its memory. */
export interface AttackTarget {
  /** "node" or "rails": where the two servers must differ, a test says why. */
  kind: "node" | "rails"
  cableUrl: string
  httpUrl: string
  /** A valid identifier (with a token) for a peer of a session; sessions are this target's own. */
  identifier(sessionId: string, peerId: string): string
  /** The server's log lines so far. */
  log(): string[]
  /**
   * Memory the server holds, in bytes: for the Node server (in this process) heap and external
   * buffers; for the gem, puma's resident set.
   */
  memory(): Promise<number>
  /** How many refusals with this code the server counted (the Node server's /metrics); undefined where the server keeps no count. */
  refusals(code: string): Promise<number | undefined>
  close(): Promise<void>
}

/** Starts targets with given limits; one suite runs against each server through one of these. */
export interface TargetFactory {
  kind: AttackTarget["kind"]
  start(limits?: AttackLimits): Promise<AttackTarget>
  /** Stops what start() left running (the gem's pumas are shared by the tests of a file). */
  tearDown(): Promise<void>
}

export function nodeTargets(): TargetFactory {
  return {
    kind: "node",
    tearDown: async () => {},
    async start(limits = {}) {
      const lines: string[] = []
      const logger: Logger = { debug() {}, info: (line) => lines.push(line), warn: (line) => lines.push(line), error: (line) => lines.push(line) }
      const t = await startTestServer({ logger, ...limits })
      return {
        kind: "node",
        cableUrl: t.cableUrl,
        httpUrl: t.httpUrl,
        identifier: t.identifier,
        log: () => lines,
        memory: async () => {
          const usage = process.memoryUsage()
          return usage.heapUsed + usage.external
        },
        refusals: (code) => rejections(t.httpUrl, code),
        close: () => t.close(),
      }
    },
  }
}

// Each limit: the gem's option, and what divides the value into the gem's unit (seconds for times).
const GEM_OPTIONS: Array<[Exclude<keyof AttackLimits, "redis">, string, number]> = [
  ["maxPayload", "max_payload", 1],
  ["rateLimitPerSecond", "rate_limit_per_second", 1],
  ["rateLimitBurst", "rate_limit_burst", 1],
  ["maxSubscriptionsPerConnection", "max_subscriptions_per_connection", 1],
  ["idleConnectionTimeoutMs", "idle_connection_timeout", 1000],
  ["livenessTimeoutMs", "liveness_timeout", 1000],
  ["probeTimeoutMs", "probe_timeout", 1000],
]

/** The gem's dummy app under puma, one per set of limits, shared by a file's tests; each test has sessions of its own. */
export function railsTargets(): TargetFactory {
  const running = new Map<string, Promise<RailsProcess>>()
  let run = 0
  return {
    kind: "rails",
    async tearDown() {
      for (const rails of running.values()) await (await rails).stop()
      running.clear()
    },
    async start(limits = {}) {
      const config: Record<string, number> = {}
      for (const [name, option, divisor] of GEM_OPTIONS) if (limits[name] !== undefined) config[option] = limits[name]! / divisor
      const key = JSON.stringify(config)
      if (!running.has(key)) running.set(key, startRails({ P2P_STREAMS_CHANNEL_SECRET: SECRET, LOG_LEVEL: "info", P2P_CONFIG: key }))
      const rails = await running.get(key)!
      const prefix = `t${++run}-`
      const logStart = rails.output().length
      return {
        kind: "rails",
        cableUrl: rails.cableUrl,
        httpUrl: rails.baseUrl,
        identifier: (sessionId, peerId) =>
          buildChannelIdentifier(prefix + sessionId, peerId, signJoinToken(SECRET, { sessionId: prefix + sessionId, peerId, expiresAt: Date.now() + 60_000 })),
        log: () => rails.output().slice(logStart).split("\n").filter((line) => line !== ""),
        memory: async () => residentBytes(rails.pid),
        refusals: async () => undefined,
        close: async () => {},
      }
    },
  }
}

/** A process's resident set size, in bytes. */
export function residentBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"))
  return Number(line?.split(/\s+/)[1] ?? 0) * 1024
}
