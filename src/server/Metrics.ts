import type { RejectionReason } from "../protocol/ProtocolError.js"

/** The content type of Prometheus' text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

/** Where the gauges read their values when `/metrics` is scraped. */
export interface MetricSources {
  connections: () => number
  subscriptions: () => number
  /** Rejects while the store is unreachable: the last known count is reported then. */
  sessions: () => Promise<number>
}

/**
 * What the server reports on `GET /metrics`, in Prometheus text format. Counters are plain numbers
 * on the hot path; the text is written only when scraped.
 */
export class Metrics {
  /** Frames received and sent, counted directly by the transport. */
  framesIn = 0
  framesOut = 0
  private readonly rejections = new Map<RejectionReason, number>()
  private readonly joinCounts = new Map<string, number>()
  private lastSessions = 0

  constructor(private readonly sources: MetricSources) {}

  /** Counts one refusal. */
  reject(reason: RejectionReason): void {
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1)
  }

  /** Counts one `SessionJoin` outcome. */
  joined(role: "host" | "client" | "refused"): void {
    this.joinCounts.set(role, (this.joinCounts.get(role) ?? 0) + 1)
  }

  /** The exposition text. */
  async render(): Promise<string> {
    this.lastSessions = await this.sources.sessions().catch(() => this.lastSessions)
    return [
      metric("p2p_connections", "gauge", "Open signaling WebSocket connections", [["", this.sources.connections()]]),
      metric("p2p_subscriptions", "gauge", "Live channel subscriptions on this node", [["", this.sources.subscriptions()]]),
      metric("p2p_sessions", "gauge", "Sessions known to the session store", [["", this.lastSessions]]),
      metric("p2p_frames_in_total", "counter", "WebSocket frames received", [["", this.framesIn]]),
      metric("p2p_frames_out_total", "counter", "WebSocket frames sent", [["", this.framesOut]]),
      metric("p2p_rejections_total", "counter", "Frames, subscriptions and messages refused, by reason", labelled("reason", this.rejections)),
      metric("p2p_joins_total", "counter", "SessionJoin outcomes, by role", labelled("role", this.joinCounts)),
    ].join("")
  }
}

function labelled(label: string, counts: ReadonlyMap<string, number>): Array<[string, number]> {
  return [...counts].map(([value, count]) => [`{${label}="${value}"}`, count])
}

function metric(name: string, type: "gauge" | "counter", help: string, samples: Array<[string, number]>): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${samples.map(([labels, value]) => `${name}${labels} ${value}\n`).join("")}`
}
