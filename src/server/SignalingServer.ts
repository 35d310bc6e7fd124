import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import type { Duplex } from "node:stream"
import { WebSocketServer, type WebSocket } from "ws"
import { CABLE_PROTOCOL, encodeServerFrame } from "../protocol/CableFrame.js"
import { ProtocolError } from "../protocol/ProtocolError.js"
import { SignalingChannel } from "./channel/SignalingChannel.js"
import { createRequestListener, refuseConnectRequests } from "./http/createRequestListener.js"
import { createHttpHandler } from "./http/handleHttp.js"
import { requestPathname } from "./http/requestTarget.js"
import { Metrics } from "./Metrics.js"
import { resolveOptions, type ResolvedOptions, type SignalingServerOptions } from "./SignalingServerOptions.js"
import { CableConnection, type CableConnectionDelegate } from "./transport/CableConnection.js"
import { checkUpgrade } from "./transport/UpgradeGate.js"

/** Close code sent to every client when the server stops, so they reconnect. */
const SERVICE_RESTART = 1012
// Connections are kept in this many groups and each tick (pingIntervalMs / TICK_SLICES) sends the
// keep-alives of one group: every connection is still pinged once per interval, but a busy server
// never writes every connection's ping in one turn of the event loop (at 3,000 connections that
// held every join arriving meanwhile for ~100 ms).
const TICK_SLICES = 10

/**
 * The signaling server: an ActionCable-protocol WebSocket endpoint with the signaling channel.
 * Run it on its own port with {@link listen}, or mount it on an app's server with {@link attach}.
 */
export class SignalingServer {
  readonly options: ResolvedOptions
  readonly metrics: Metrics
  /** `(req, res, next?)`: answers `/healthz` and `/metrics`, returns false for anything else. */
  readonly handleHttp: (request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void) => boolean
  private readonly channel: SignalingChannel
  private readonly wss: WebSocketServer
  private readonly slices = Array.from({ length: TICK_SLICES }, () => new Set<CableConnection>())
  private tickCount = 0
  private readonly ownServers = new Set<Server>()
  private readonly ticker: NodeJS.Timeout
  private connectionSequence = 0
  // One delegate for every connection: the channel, plus the server's own bookkeeping on close.
  private readonly connectionDelegate: CableConnectionDelegate = {
    command: (connection, command) => this.channel.command(connection, command),
    refused: (connection, error, options) => this.channel.refused(connection, error, options),
    closed: async (connection) => {
      this.sliceOf(connection).delete(connection)
      await this.channel.closed(connection)
    },
  }
  private stopping: Promise<void> | undefined

  constructor(options: SignalingServerOptions) {
    this.options = resolveOptions(options)
    const { store, broker, logger } = this.options
    this.metrics = new Metrics({
      connections: () => this.connectionCount,
      subscriptions: () => this.channel.subscriptionCount,
      sessions: () => store.countSessions(),
    })
    this.channel = new SignalingChannel(this.options, store, broker, this.metrics, logger)
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.options.maxPayload,
      perMessageDeflate: false,
      // Frames are parsed as JSON right away; invalid UTF-8 turns into U+FFFD, which JSON parsing then judges.
      skipUTF8Validation: true,
      handleProtocols: (protocols) => (protocols.has(CABLE_PROTOCOL) ? CABLE_PROTOCOL : false),
    })
    this.handleHttp = createHttpHandler(this)
    this.ticker = setInterval(() => this.tick(), this.options.pingIntervalMs / TICK_SLICES)
    this.ticker.unref()
    if (this.options.allowOpenJoins) {
      logger.warn("OPEN JOINS - every peer may join every session without a token. Development only; never expose this server.")
    }
  }

  private get connectionCount(): number {
    return this.slices.reduce((sum, slice) => sum + slice.size, 0)
  }

  /** True once {@link close} has been called. */
  get closing(): boolean {
    return this.stopping !== undefined
  }

  /** Live counts on this node. */
  stats(): { connections: number; subscriptions: number } {
    return { connections: this.connectionCount, subscriptions: this.channel.subscriptionCount }
  }

  /** What `/healthz` reports: `ok`, `store_unreachable` (the session store does not answer) or `stopping`. */
  health(): { status: "ok" | "store_unreachable" | "stopping"; connections: number; subscriptions: number } {
    const status = this.closing ? "stopping" : this.options.store.reachable() ? "ok" : "store_unreachable"
    return { status, ...this.stats() }
  }

  /** Starts a plain HTTP server serving the endpoint, `/healthz` and `/metrics`. Resolves with its address. */
  async listen(port = 0, host = "127.0.0.1"): Promise<AddressInfo> {
    const server = createServer(createRequestListener([this.handleHttp], this.options.logger))
    refuseConnectRequests(server)
    this.ownServers.add(server)
    this.attach(server, { rejectOtherUpgrades: true })
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject)
      server.listen(port, host, () => resolve())
    })
    return server.address() as AddressInfo
  }

  /**
   * Serves the WebSocket endpoint on an existing HTTP server, sharing its port. Upgrades on other
   * paths are left to the server's other listeners unless `rejectOtherUpgrades` is set.
   */
  attach(server: Server, { rejectOtherUpgrades = false } = {}): this {
    server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      // A client that resets mid-upgrade must not become an unhandled 'error'.
      socket.on("error", () => {})
      try {
        if (requestPathname(request.url) === this.options.path) this.handleUpgrade(request, socket, head)
        else if (rejectOtherUpgrades) refuseUpgrade(socket, 404, "not_found")
      } catch (error) {
        this.options.logger.error(`upgrade failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
        refuseUpgrade(socket, 500, "internal_error")
      }
    })
    return this
  }

  /** Completes (or refuses, with a reason) one HTTP upgrade to the cable endpoint. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.stopping) return refuseUpgrade(socket, 503, "server_restart")
    try {
      checkUpgrade(request, this.options)
    } catch (error) {
      const refusal = error instanceof ProtocolError ? error : new ProtocolError("internal_error", String(error))
      this.metrics.reject(refusal.code)
      this.options.logger.warn(`upgrade from ${request.socket.remoteAddress ?? "?"} refused (${refusal.code}): ${refusal.message}`)
      return refuseUpgrade(socket, refusal.code === "origin_not_allowed" ? 403 : 400, refusal.code)
    }
    // The 101 response and the welcome leave in one write.
    corkForThisTick(socket)
    this.wss.handleUpgrade(request, socket, head, (ws) => this.open(ws))
  }

  /**
   * Stops: every client gets `disconnect` (reason `server_restart`, reconnect true) and a close
   * (1012); the server started by {@link listen} stops listening. A server passed to {@link attach}
   * is the app's to close. Idempotent.
   */
  close(): Promise<void> {
    this.stopping ??= this.shutdown()
    return this.stopping
  }

  private open(ws: WebSocket): void {
    const connection = new CableConnection(String(++this.connectionSequence), ws, this.connectionDelegate, this.options, this.metrics)
    this.sliceOf(connection).add(connection)
  }

  /** The group a connection is pinged with, by its sequence number. */
  private sliceOf(connection: CableConnection): Set<CableConnection> {
    return this.slices[Number(connection.id) % TICK_SLICES]!
  }

  private tick(): void {
    const slice = this.slices[this.tickCount % TICK_SLICES]
    this.tickCount += 1
    const now = Date.now()
    const ping = encodeServerFrame({ type: "ping", message: Math.floor(now / 1000) })
    for (const connection of slice ?? []) {
      if (!connection.heartbeat(now, this.options.livenessTimeoutMs, ping)) {
        this.channel.refused(connection, new ProtocolError("liveness_timeout", `no answer for ${this.options.livenessTimeoutMs} ms; dropped`))
      } else {
        this.closeIfBare(connection, now)
      }
    }
    const failed = (error: unknown) => this.options.logger.error(`signaling maintenance failed: ${String(error)}`)
    if (slice) this.channel.renewLeases(slice).catch(failed)
    if (this.tickCount % TICK_SLICES === 0) this.channel.maintain().catch(failed)
  }

  // A connection that holds no subscription serves nobody; after idleConnectionTimeoutMs it is closed.
  private closeIfBare(connection: CableConnection, now: number): void {
    if (this.channel.holdsSubscriptions(connection)) {
      connection.bareSince = undefined
      return
    }
    connection.bareSince ??= now
    if (now - connection.bareSince < this.options.idleConnectionTimeoutMs) return
    this.channel.refused(connection, new ProtocolError("no_subscription", `no subscription for ${this.options.idleConnectionTimeoutMs} ms; closed`))
    connection.disconnect("no_subscription", false)
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.ticker)
    this.channel.close()
    const connections = this.slices.flatMap((slice) => [...slice])
    const closed = connections.map((connection) => new Promise<void>((resolve) => {
      connection.onClosed(resolve)
      connection.disconnect("server_restart", true, SERVICE_RESTART)
    }))
    await withinMs(2000, Promise.all(closed))
    for (const connection of connections) connection.terminate()
    // Let each connection's close reach the store before the store goes.
    await withinMs(2000, Promise.all(connections.map((connection) => connection.settled)))
    await Promise.all([...this.ownServers].map((server) => new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })))
    this.wss.close()
    await this.options.closeBackend()
  }
}

function corkForThisTick(socket: Duplex): void {
  socket.cork()
  process.nextTick(() => socket.uncork())
}

function withinMs(ms: number, work: Promise<unknown>): Promise<unknown> {
  return Promise.race([work, new Promise((resolve) => setTimeout(resolve, ms).unref())])
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
}
