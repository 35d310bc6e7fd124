import { adapters, createConsumer, type Consumer, type Subscription } from "@rails/actioncable"
import { SIGNALING_CHANNEL } from "../protocol/ChannelIdentifier.js"
import { parseServerSignal } from "../protocol/parseServerSignal.js"
import type { ServerSignal } from "../protocol/Signal.js"

/** What the signaling client reports to the session. */
export interface SignalingClientDelegate {
  signalingConnected(): void
  signalingRejected(): void
  signalingDisconnected(): void
  signalReceived(signal: ServerSignal): void
  signalInvalid(error: unknown): void
}

export interface SignalingClientOptions {
  cableUrl: string
  sessionId: string
  peerId: string
  token: string | undefined
  /** WebSocket implementation; default: the global one. */
  WebSocket?: typeof WebSocket
}

/** Outgoing signals, in wire form. */
export type OutgoingSignal = Record<string, unknown> & { state: string }

/**
 * The peer's side of signaling: one official `@rails/actioncable` consumer and one subscription to
 * the signaling channel. Connects on demand and can drop its socket once the peer is connected.
 */
export class SignalingClient {
  private consumer: Consumer | undefined
  private subscription: Subscription | undefined
  private isConnected = false

  constructor(
    private readonly options: SignalingClientOptions,
    private readonly delegate: SignalingClientDelegate,
  ) {}

  /** True while the subscription is confirmed. */
  get connected(): boolean {
    return this.isConnected
  }

  /** True while a consumer exists (connected or trying to). */
  get active(): boolean {
    return this.consumer !== undefined
  }

  connect(): void {
    if (this.consumer) return
    if (this.options.WebSocket) adapters.WebSocket = this.options.WebSocket
    installWindowListenerShim()
    const consumer = createConsumer(this.options.cableUrl)
    this.consumer = consumer
    const delegate = this.delegate
    const self = this
    this.subscription = consumer.subscriptions.create(
      { channel: SIGNALING_CHANNEL, session_id: this.options.sessionId, peer_id: this.options.peerId, token: this.options.token },
      {
        connected() {
          if (self.consumer !== consumer) return
          self.isConnected = true
          delegate.signalingConnected()
        },
        rejected() {
          if (self.consumer !== consumer) return
          self.disconnect()
          delegate.signalingRejected()
        },
        disconnected() {
          if (self.consumer !== consumer || !self.isConnected) return
          self.isConnected = false
          delegate.signalingDisconnected()
        },
        received(message: unknown) {
          if (self.consumer !== consumer) return
          let signal: ServerSignal
          try {
            signal = parseServerSignal(message)
          } catch (error) {
            return delegate.signalInvalid(error)
          }
          delegate.signalReceived(signal)
        },
      },
    )
  }

  /** Sends a signal; false when the subscription is not confirmed. */
  send(signal: OutgoingSignal): boolean {
    if (!this.isConnected || !this.subscription) return false
    return this.subscription.send({ type: "Connection", ...signal })
  }

  /** Unsubscribes and closes the socket. Idempotent. */
  disconnect(): void {
    const { consumer, subscription } = this
    this.consumer = undefined
    this.subscription = undefined
    this.isConnected = false
    if (!consumer) return
    subscription?.unsubscribe()
    consumer.disconnect()
  }
}

// The official client listens for `visibilitychange` on the global object, which Node lacks.
function installWindowListenerShim(): void {
  const scope = globalThis as { addEventListener?: unknown; removeEventListener?: unknown }
  scope.addEventListener ??= () => {}
  scope.removeEventListener ??= () => {}
}
