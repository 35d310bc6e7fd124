import type { Duplex } from "node:stream"
import type { RawData, WebSocket } from "ws"
import { encodeServerFrame, parseClientCommand, type ClientCommand, type ServerFrame } from "../../protocol/CableFrame.js"
import { ProtocolError } from "../../protocol/ProtocolError.js"
import type { Metrics } from "../Metrics.js"
import { RateLimiter } from "./RateLimiter.js"

/** What a connection hands its parsed commands to: the channel layer. */
export interface CableConnectionDelegate {
  command(connection: CableConnection, command: ClientCommand): Promise<void>
  /**
   * A frame was refused before reaching the channel, or a command failed. Nothing has been sent to
   * the client: the delegate decides whether a subscription hears of it. `quiet`: a repeat within
   * the same second (rate limiting), to count but not to log or report again.
   */
  refused(connection: CableConnection, error: ProtocolError, options?: { quiet: boolean }): void
  closed(connection: CableConnection): Promise<void>
}

export interface CableConnectionLimits {
  rateLimitPerSecond: number
  rateLimitBurst: number
  /** Bytes that may wait to be sent to a client that is not reading; past this it is dropped. */
  maxBufferedBytes: number
}

// Reading from a client pauses while this many of its frames wait to be handled, and resumes once
// the backlog is down to RESUME_BACKLOG: a slow store cannot make a fast sender queue without bound.
const PAUSE_BACKLOG = 64
const RESUME_BACKLOG = 16

const OWNER = Symbol("p2p-streams-channel.connection")
type OwnedSocket = WebSocket & { [OWNER]: CableConnection }

/** WebSocket close codes used when the server ends a connection. */
export const CloseCode = { normal: 1000, goingAway: 1001, unsupportedData: 1003, policyViolation: 1008 } as const

/**
 * One client's WebSocket speaking the ActionCable protocol: frames in, parsed and rate limited,
 * handed to the delegate one at a time in arrival order; frames out, encoded.
 */
export class CableConnection {
  /** When a frame or pong last arrived, for the liveness check. */
  lastSeenAt = Date.now()
  /** Frames and pongs heard so far: a probe asks whether one came after its ping (a millisecond clock cannot tell). */
  private heard = 0
  /** Since when the connection holds no subscription (it starts with none); kept by the server's tick. */
  bareSince: number | undefined = Date.now()
  private readonly limiter: RateLimiter
  // Frames dropped by the rate limit since the client last kept quiet for a second.
  private dropped = 0
  private lastDropAt = 0
  private lastRateNoticeAt = 0
  // Frames are handled one at a time, in order: the one in progress, then the backlog.
  private working = false
  private backlog: Array<ClientCommand | "closed"> | undefined
  private idleWaiters: Array<() => void> | undefined
  private isClosed = false
  private paused = false
  private overflowing = false
  private probing = false
  private closeListeners: Array<() => void> | undefined
  private corked = false
  // The TCP socket under the WebSocket, corked while a tick's frames are written (ws exposes it as `_socket`).
  private readonly transport: Duplex | undefined

  constructor(
    readonly id: string,
    private readonly socket: WebSocket,
    private readonly delegate: CableConnectionDelegate,
    private readonly limits: CableConnectionLimits,
    private readonly metrics: Metrics,
  ) {
    this.limiter = new RateLimiter(limits.rateLimitPerSecond, limits.rateLimitBurst)
    const transport = (socket as unknown as { _socket?: Duplex })._socket
    this.transport = typeof transport?.cork === "function" ? transport : undefined
    // One set of listener functions for every socket (idle memory per connection counts): each
    // finds its connection on the socket.
    ;(socket as OwnedSocket)[OWNER] = this
    socket.on("message", CableConnection.onMessage)
    socket.on("pong", CableConnection.onPong)
    socket.on("close", CableConnection.onClose)
    socket.on("error", CableConnection.onError)
    this.send({ type: "welcome" })
  }

  private static onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    (this as OwnedSocket)[OWNER].received(data, isBinary)
  }

  private static onPong(this: WebSocket): void {
    const connection = (this as OwnedSocket)[OWNER]
    connection.lastSeenAt = Date.now()
    connection.heard += 1
  }

  private static onClose(this: WebSocket): void {
    (this as OwnedSocket)[OWNER].socketClosed()
  }

  // ws reports frames it refused itself (too large, broken framing) as errors, then closes the socket.
  private static onError(this: WebSocket, error: Error & { code?: string }): void {
    const connection = (this as OwnedSocket)[OWNER]
    const reason = error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" ? "payload_too_large" : "malformed_frame"
    connection.delegate.refused(connection, new ProtocolError(reason, error.message))
    this.terminate()
  }

  get closed(): boolean {
    return this.isClosed
  }

  send(frame: ServerFrame): void {
    this.sendText(encodeServerFrame(frame))
  }

  /** Sends an already encoded frame. Frames sent in one tick leave in one write. */
  sendText(text: string): void {
    if (this.isClosed || this.overflowing) return
    this.cork()
    this.socket.send(text)
    this.metrics.framesOut += 1
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) this.overflowed()
  }

  /** The client stopped reading: what waits for it is dropped with the connection, not kept. */
  private overflowed(): void {
    this.overflowing = true
    this.delegate.refused(this, new ProtocolError("slow_consumer", `more than ${this.limits.maxBufferedBytes} bytes waiting for a client that does not read; connection dropped`))
    // The socket's close event ends the subscriptions, as for any other close.
    this.socket.terminate()
  }

  private cork(): void {
    if (this.corked || !this.transport) return
    this.corked = true
    this.transport.cork()
    process.nextTick(() => {
      this.corked = false
      this.transport?.uncork()
    })
  }

  /** Sends `disconnect` with a reason, then closes. */
  disconnect(reason: Extract<ServerFrame, { type: "disconnect" }>["reason"], reconnect: boolean, code: number = CloseCode.normal): void {
    this.send({ type: "disconnect", reason, reconnect })
    this.close(code, reason)
  }

  close(code: number, reason: string): void {
    if (this.isClosed) return
    this.socket.close(code, reason)
  }

  /**
   * Checks that the peer is still there: pings it, and drops the socket when nothing comes back
   * within `timeoutMs`. Used when another peer reports this one unreachable; a probe already
   * running is not doubled.
   */
  probe(timeoutMs: number, onDead: () => void): void {
    if (this.probing || this.isClosed) return
    this.probing = true
    const heardBefore = this.heard
    this.socket.ping()
    setTimeout(() => {
      this.probing = false
      if (this.isClosed || this.heard > heardBefore) return
      onDead()
      this.socket.terminate()
    }, timeoutMs).unref()
  }

  /** Resolves once every frame received so far, and the close, has been handled. */
  get settled(): Promise<void> {
    if (!this.working) return Promise.resolve()
    return new Promise((resolve) => (this.idleWaiters ??= []).push(resolve))
  }

  private enqueue(job: ClientCommand | "closed"): void {
    if (this.working) {
      const backlog = (this.backlog ??= [])
      backlog.push(job)
      if (backlog.length >= PAUSE_BACKLOG && !this.paused && !this.isClosed) {
        this.paused = true
        this.socket.pause()
      }
      return
    }
    this.working = true
    void this.run(job)
  }

  // An async method rather than two callbacks held by every connection: idle memory per connection counts.
  private async run(job: ClientCommand | "closed"): Promise<void> {
    try {
      await (job === "closed" ? this.delegate.closed(this) : this.delegate.command(this, job))
    } catch (error) {
      this.refuseFrame(error)
    }
    this.next()
  }

  private next(): void {
    const job = this.backlog?.shift()
    if (this.paused && (this.backlog?.length ?? 0) <= RESUME_BACKLOG) {
      this.paused = false
      if (!this.isClosed) this.socket.resume()
    }
    if (job !== undefined) return void this.run(job)
    this.working = false
    const waiters = this.idleWaiters
    this.idleWaiters = undefined
    for (const resolve of waiters ?? []) resolve()
  }

  /** Drops the socket at once, without a closing handshake. */
  terminate(): void {
    this.socket.terminate()
  }

  /** Calls `listener` once the socket has closed (at once if it has). */
  onClosed(listener: () => void): void {
    if (this.isClosed) listener()
    else (this.closeListeners ??= []).push(listener)
  }

  /** Sends the keep-alive frames (`ping`: the encoded ActionCable ping) and says whether the peer answered recently enough. */
  heartbeat(now: number, livenessTimeoutMs: number, ping: string): boolean {
    if (now - this.lastSeenAt > livenessTimeoutMs) {
      this.socket.terminate()
      return false
    }
    this.sendText(ping)
    this.socket.ping()
    return true
  }

  private received(data: RawData, isBinary: boolean): void {
    const now = Date.now()
    this.lastSeenAt = now
    this.heard += 1
    this.metrics.framesIn += 1
    if (!this.limiter.take(now)) return this.rateLimited(now)
    if (now - this.lastDropAt > 1000) this.dropped = 0
    if (isBinary) {
      this.delegate.refused(this, new ProtocolError("binary_not_supported", "binary frames are not part of the protocol"))
      return this.close(CloseCode.unsupportedData, "binary_not_supported")
    }
    let command: ClientCommand
    try {
      command = parseClientCommand(data.toString())
    } catch (error) {
      return this.refuseFrame(error)
    }
    this.enqueue(command)
  }

  // Like Rails, a frame that is not a valid command gets no answer (an official client would throw
  // on any frame it cannot route); the refusal is logged and counted.
  private refuseFrame(error: unknown): void {
    const refusal = error instanceof ProtocolError ? error : new ProtocolError("internal_error", `the server failed to handle a frame: ${String(error)}`)
    this.delegate.refused(this, refusal)
  }

  private rateLimited(now: number): void {
    this.dropped += 1
    this.lastDropAt = now
    const refusal = new ProtocolError("rate_limited", "too many frames; slow down")
    if (this.dropped > this.limits.rateLimitBurst) {
      this.delegate.refused(this, refusal)
      return this.disconnect("rate_limited", false, CloseCode.policyViolation)
    }
    const quiet = now - this.lastRateNoticeAt < 1000
    if (!quiet) this.lastRateNoticeAt = now
    this.delegate.refused(this, refusal, { quiet })
  }

  private socketClosed(): void {
    if (this.isClosed) return
    this.isClosed = true
    for (const listener of this.closeListeners ?? []) listener()
    this.enqueue("closed")
  }
}
