/**
 * What the preconnect script of `p2pFrameTag` (and the gem's `p2p_frame_tag`) leaves on a frame:
 * the signaling socket it opened while the page's modules were still loading, and the frames the
 * server sent on it meanwhile (its welcome, a ping).
 */
export interface EarlySocket {
  socket: WebSocket
  messages: MessageEvent[]
  /** The absolute `ws:`/`wss:` URL it was opened to. */
  url: string
}

type Kind = "open" | "message" | "close" | "error"

/**
 * The WebSocket class a frame's session opens its sockets with: the first one asked for is the
 * early socket when `take` gives one for that URL, the rest are new. `take` is asked once per socket.
 */
export function withEarlySocket(Base: typeof WebSocket, take: (url: string) => EarlySocket | undefined): typeof WebSocket {
  return class EarlySocketAware extends Base {
    constructor(url: string | URL, protocols?: string | string[]) {
      const early = take(String(url))
      // A derived constructor may hand back another object: ActionCable gets the adopted socket.
      if (early) return new AdoptedSocket(early) as unknown as EarlySocketAware
      super(url, protocols)
    }
  }
}

/**
 * An early socket as ActionCable expects a new one: it installs its `on…` handlers right after
 * construction, so what happened before (the open, the welcome) reaches them a microtask later, in
 * order, ahead of anything new. Until then it says it is connecting, so ActionCable subscribes on
 * the welcome, as it does on a fresh socket (Rails may lose a command sent before its welcome).
 */
class AdoptedSocket {
  // What ActionCable and the session use of a socket: the handlers, readyState, protocol, send, close, listeners.
  onopen: ((event: Event) => void) | null = null
  onmessage: ((event: MessageEvent) => void) | null = null
  onclose: ((event: CloseEvent) => void) | null = null
  onerror: ((event: Event) => void) | null = null
  private pending: Array<[Kind, Event]> | undefined = []
  /** "open" listeners added before the replayed open: the socket itself opened before they were there. */
  private openListeners: EventListenerOrEventListenerObject[] | undefined
  private readonly socket: WebSocket

  constructor(early: EarlySocket) {
    const socket = (this.socket = early.socket)
    const pending = this.pending!
    if (socket.readyState === WebSocket.OPEN) {
      pending.push(["open", new Event("open")])
      this.openListeners = []
    }
    for (const message of early.messages) pending.push(["message", message])
    early.messages.length = 0
    socket.onopen = (event) => this.deliver("open", event)
    socket.onmessage = (event) => this.deliver("message", event)
    socket.onclose = (event) => this.deliver("close", event)
    socket.onerror = (event) => this.deliver("error", event)
    queueMicrotask(() => {
      const replay = this.pending ?? []
      this.pending = undefined
      for (const [kind, event] of replay) this.dispatch(kind, event)
    })
  }

  get readyState(): number {
    return this.pending ? WebSocket.CONNECTING : this.socket.readyState
  }

  get protocol(): string {
    return this.socket.protocol
  }

  send(data: string): void {
    this.socket.send(data)
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason)
  }

  addEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    // A session stopped before the replay closes its socket once it opens: that is the replayed open.
    if (type === "open" && this.openListeners) this.openListeners.push(listener)
    else this.socket.addEventListener(type, listener)
  }

  removeEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    this.socket.removeEventListener(type, listener)
  }

  private deliver(kind: Kind, event: Event): void {
    if (this.pending) this.pending.push([kind, event])
    else this.dispatch(kind, event)
  }

  private dispatch(kind: Kind, event: Event): void {
    if (kind === "open") {
      this.onopen?.(event)
      const listeners = this.openListeners ?? []
      this.openListeners = undefined
      for (const listener of listeners) typeof listener === "function" ? listener(event) : listener.handleEvent(event)
    } else if (kind === "message") this.onmessage?.(event as MessageEvent)
    else if (kind === "close") this.onclose?.(event as CloseEvent)
    else this.onerror?.(event)
  }
}
