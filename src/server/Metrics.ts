import { Counter, Gauge, Registry } from "prom-client"
import type { RejectionReason } from "../protocol/ProtocolError.js"

/** What the server reports on `GET /metrics`, in Prometheus text format. */
export class Metrics {
  readonly registry = new Registry()
  /** Frames received / sent since the last scrape: plain numbers on the hot path, folded in on collect. */
  framesInPending = 0
  framesOutPending = 0
  readonly rejections: Counter<"reason">
  readonly joins: Counter<"role">

  constructor(sources: { connections: () => number; subscriptions: () => number; sessions: () => Promise<number> }) {
    const registers = [this.registry]
    new Gauge({ name: "p2p_connections", help: "Open signaling WebSocket connections", registers, collect() { this.set(sources.connections()) } })
    new Gauge({ name: "p2p_subscriptions", help: "Live channel subscriptions on this node", registers, collect() { this.set(sources.subscriptions()) } })
    new Gauge({ name: "p2p_sessions", help: "Sessions known to the session store", registers, async collect() {
      // While the store is unreachable the last known count stands; /metrics itself keeps answering.
      await sources.sessions().then((count) => this.set(count), () => {})
    } })
    const metrics = this
    new Counter({ name: "p2p_frames_in_total", help: "WebSocket frames received", registers, collect() {
      this.inc(metrics.framesInPending)
      metrics.framesInPending = 0
    } })
    new Counter({ name: "p2p_frames_out_total", help: "WebSocket frames sent", registers, collect() {
      this.inc(metrics.framesOutPending)
      metrics.framesOutPending = 0
    } })
    this.rejections = new Counter({ name: "p2p_rejections_total", help: "Frames, subscriptions and messages refused, by reason", labelNames: ["reason"], registers })
    this.joins = new Counter({ name: "p2p_joins_total", help: "SessionJoin outcomes, by role", labelNames: ["role"], registers })
  }

  reject(reason: RejectionReason): void {
    this.rejections.inc({ reason })
  }
}
