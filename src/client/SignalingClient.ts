import { adapters, createConsumer, type Consumer, type Subscription } from "@rails/actioncable"
import { channelIdentifierParams, type JoinOnSubscribe } from "../protocol/ChannelIdentifier.js"
import { parseServerSignal } from "../protocol/parseServerSignal.js"
import type { ServerSignal } from "../protocol/Signal.js"

/** What the signaling client reports to the session. */
export interface SignalingClientDelegate {
  /**
   * Asked before each subscription: whether it should also join the session (the server then
   * handles a `SessionJoin` right after confirming it), and with what. Undefined: subscribe only.
   */
  joinRequest(): JoinOnSubscribe | undefined
  /** The subscription is confirmed; `joined`: it asked to join with it (see {@link joinRequest}). */
  signalingConnected(joined: boolean): void
  /** The server refused the subscription; `code` is its reason (`invalid_token`, …) when it gave one. */
  signalingRejected(code: string | undefined): void
  /**
   * No confirmed subscription within `unreachableAfterMs` of trying (it keeps trying). `code` is
   * `origin_not_allowed` when the runtime saw the server answer 403, else `signaling_unreachable`.
   */
  signalingUnreachable(code: "signaling_unreachable" | "origin_not_allowed", detail: string): void
  /** The token provider failed; the attempt is retried later. */
  tokenFailed(error: unknown): void
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
  /** Called before every (re)connection for a fresh token. */
  tokenProvider?: () => string | Promise<string>
  /** WebSocket implementation; default: the global one. */
  WebSocket?: typeof WebSocket
  /** An attempt not confirmed within this long is abandoned and retried. Default: 3000. */
  connectTimeoutMs?: number
  /** Report the server unreachable after trying for this long. Default: 5000. */
  unreachableAfterMs?: number
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
  private fetchingToken = false
  private attempts = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private unreachableTimer: ReturnType<typeof setTimeout> | undefined
  private refusal: string | undefined
  private lastSocketError = ""
  private token: string | undefined

  constructor(
    private readonly options: SignalingClientOptions,
    private readonly delegate: SignalingClientDelegate,
  ) {
    this.token = options.token
  }

  /** True while the subscription is confirmed. */
  get connected(): boolean {
    return this.isConnected
  }

  /** The token the next subscription uses. */
  setToken(token: string | undefined): void {
    this.token = token
  }

  /** Opens the socket and subscribes (after asking the token provider, if any), retrying until confirmed or {@link disconnect}ed. */
  connect(): void {
    this.wanted = true
    this.startUnreachableClock()
    if (this.consumer || this.fetchingToken) return
    const provider = this.options.tokenProvider
    if (!provider) return this.open()
    let token: string | Promise<string>
    try {
      token = provider()
    } catch (error) {
      return this.tokenFailed(error)
    }
    // A token given at once opens the socket in this task; a promised one once it settles.
    if (typeof token === "string") return this.tokenReady(token)
    this.fetchingToken = true
    Promise.resolve(token).then(
      (value) => {
        this.fetchingToken = false
        if (this.wanted && !this.consumer) this.tokenReady(value)
      },
      (error: unknown) => {
        this.fetchingToken = false
        this.tokenFailed(error)
      },
    )
  }

  private tokenReady(token: unknown): void {
    // An empty token is no token (a server with open joins needs none).
    this.token = typeof token === "string" && token !== "" ? token : undefined
    this.open()
  }

  private tokenFailed(error: unknown): void {
    this.delegate.tokenFailed(error)
    if (this.wanted) this.retry()
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
    this.stopUnreachableClock()
    this.teardown()
  }

  private open(): void {
    clearTimeout(this.timer)
    adapters.WebSocket = observedWebSocket(this.options.WebSocket ?? globalThis.WebSocket, (message) => (this.lastSocketError = message))
    installWindowListenerShim()
    const consumer = createConsumer(this.options.cableUrl)
    this.consumer = consumer
    this.refusal = undefined
    const mine = () => this.consumer === consumer
    this.timer = setTimeout(() => mine() && !this.isConnected && this.retry(), this.options.connectTimeoutMs ?? 3000)
    const join = this.delegate.joinRequest()
    this.subscription = consumer.subscriptions.create(
      channelIdentifierParams(this.options.sessionId, this.options.peerId, this.token, join),
      {
        connected: () => {
          if (!mine()) return
          clearTimeout(this.timer)
          this.stopUnreachableClock()
          this.isConnected = true
          this.attempts = 0
          this.delegate.signalingConnected(join !== undefined)
        },
        rejected: () => {
          if (!mine()) return
          const code = this.refusal
          this.disconnect()
          this.delegate.signalingRejected(code)
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
          // The server says why before it rejects a subscription.
          if (!this.isConnected && signal.state === "Error") return void (this.refusal = signal.code)
          this.delegate.signalReceived(signal)
        },
      },
    )
  }

  private startUnreachableClock(): void {
    if (this.isConnected || this.unreachableTimer !== undefined) return
    this.lastSocketError = ""
    this.unreachableTimer = setTimeout(() => {
      if (this.isConnected || !this.wanted) return
      const forbidden = /\b403\b/.test(this.lastSocketError)
      const detail = forbidden
        ? `${this.options.cableUrl} refused this page's origin (HTTP 403); the server must allow it`
        : `no answer from ${this.options.cableUrl} yet (${this.lastSocketError || "no connection"}); still trying`
      this.delegate.signalingUnreachable(forbidden ? "origin_not_allowed" : "signaling_unreachable", detail)
    }, this.options.unreachableAfterMs ?? 5000)
  }

  private stopUnreachableClock(): void {
    clearTimeout(this.unreachableTimer)
    this.unreachableTimer = undefined
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

/**
 * The WebSocket class ActionCable opens, reporting each socket's error text: Node's `ws` says
 * "Unexpected server response: 403" when the origin is refused (browsers say nothing).
 */
function observedWebSocket(Base: typeof WebSocket, onError: (message: string) => void): typeof WebSocket {
  if (typeof Base !== "function") {
    throw new TypeError("P2pSession: no WebSocket implementation; in Node pass one, e.g. `import WebSocket from \"ws\"` and `new P2pSession({ …, WebSocket })`")
  }
  return class ObservedWebSocket extends Base {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols)
      this.addEventListener("error", (event: Event) => onError(String((event as Event & { message?: unknown }).message ?? "")))
    }
  }
}

// The official client listens for `visibilitychange` on the global object, which Node lacks.
function installWindowListenerShim(): void {
  const scope = globalThis as { addEventListener?: unknown; removeEventListener?: unknown }
  scope.addEventListener ??= () => {}
  scope.removeEventListener ??= () => {}
}
