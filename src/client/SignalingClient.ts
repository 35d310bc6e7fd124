import { adapters, createConsumer, type Consumer, type Subscription } from "@rails/actioncable"
import { SIGNALING_CHANNEL } from "../protocol/ChannelIdentifier.js"
import { parseServerSignal } from "../protocol/parseServerSignal.js"
import type { ServerSignal } from "../protocol/Signal.js"

/** What the signaling client reports to the session. */
export interface SignalingClientDelegate {
  signalingConnected(): void
  signalingRejected(): void
  signalReceived(signal: ServerSignal): void
  signalInvalid(error: unknown): void
  /** How long to wait before reconnect attempt `attempt` (0-based) after the socket was lost. */
  reconnectDelay(attempt: number): number
}

export interface SignalingClientOptions {
  cableUrl: string
  sessionId: string
  peerId: string
  token: string | undefined
  /** WebSocket implementation; default: the global one. */
  WebSocket?: typeof WebSocket
  /** An attempt not confirmed within this long is abandoned and retried. Default: 3000. */
  connectTimeoutMs?: number
}

/** Outgoing signals, in wire form. */
export type OutgoingSignal = Record<string, unknown> & { state: string }

/**
 * The peer's side of signaling: the official `@rails/actioncable` consumer with one subscription to
 * the signaling channel. Connects on demand, can drop its socket once the peer is connected, and
 * after losing the socket (a server restart) reconnects with backoff and jitter.
 */
export class SignalingClient {
  private consumer: Consumer | undefined
  private subscription: Subscription | undefined
  private isConnected = false
  private wanted = false
  private attempts = 0
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly options: SignalingClientOptions,
    private readonly delegate: SignalingClientDelegate,
  ) {}

  /** True while the subscription is confirmed. */
  get connected(): boolean {
    return this.isConnected
  }

  /** Opens the socket and subscribes, retrying until confirmed or {@link disconnect}ed. */
  connect(): void {
    this.wanted = true
    if (this.consumer) return
    clearTimeout(this.timer)
    if (this.options.WebSocket) adapters.WebSocket = this.options.WebSocket
    installWindowListenerShim()
    const consumer = createConsumer(this.options.cableUrl)
    this.consumer = consumer
    const mine = () => this.consumer === consumer
    this.timer = setTimeout(() => mine() && !this.isConnected && this.retry(), this.options.connectTimeoutMs ?? 3000)
    this.subscription = consumer.subscriptions.create(
      { channel: SIGNALING_CHANNEL, session_id: this.options.sessionId, peer_id: this.options.peerId, token: this.options.token },
      {
        connected: () => {
          if (!mine()) return
          clearTimeout(this.timer)
          this.isConnected = true
          this.attempts = 0
          this.delegate.signalingConnected()
        },
        rejected: () => {
          if (!mine()) return
          this.disconnect()
          this.delegate.signalingRejected()
        },
        disconnected: () => {
          if (mine() && this.isConnected) this.retry()
        },
        received: (message: unknown) => {
          if (!mine()) return
          let signal: ServerSignal
          try {
            signal = parseServerSignal(message)
          } catch (error) {
            return this.delegate.signalInvalid(error)
          }
          this.delegate.signalReceived(signal)
        },
      },
    )
  }

  /** Sends a signal; false when the subscription is not confirmed. */
  send(signal: OutgoingSignal): boolean {
    if (!this.isConnected || !this.subscription) return false
    return this.subscription.send({ type: "Connection", ...signal })
  }

  /** Unsubscribes and closes the socket, and stops reconnecting. Idempotent. */
  disconnect(): void {
    this.wanted = false
    clearTimeout(this.timer)
    this.teardown()
  }

  private teardown(): void {
    const { consumer, subscription } = this
    this.consumer = undefined
    this.subscription = undefined
    this.isConnected = false
    if (!consumer) return
    subscription?.unsubscribe()
    // ActionCable leaves a socket that is still connecting open (a Safari workaround); close it on open.
    const socket = (consumer as unknown as { connection?: { webSocket?: WebSocket } }).connection?.webSocket
    consumer.disconnect()
    if (socket && socket.readyState === 0) socket.addEventListener("open", () => socket.close())
  }

  /** Drops the current consumer (and ActionCable's own slower reconnect) and tries again later. */
  private retry(): void {
    this.teardown()
    if (!this.wanted) return
    const delay = this.delegate.reconnectDelay(this.attempts)
    this.attempts += 1
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.wanted && this.connect(), delay)
  }
}

// The official client listens for `visibilitychange` on the global object, which Node lacks.
function installWindowListenerShim(): void {
  const scope = globalThis as { addEventListener?: unknown; removeEventListener?: unknown }
  scope.addEventListener ??= () => {}
  scope.removeEventListener ??= () => {}
}
