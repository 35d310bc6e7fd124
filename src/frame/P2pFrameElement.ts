import { P2pSession } from "../client/P2pSession.js"
import type { P2pConfig } from "../client/P2pConfig.js"
import type { SendOptions } from "../client/data/payload.js"
import { OutgoingFile, type IncomingFile } from "../client/data/FileTransfer.js"
import type { PublishOptions, SendFileOptions, StreamEvent } from "../client/P2pSession.js"
import { P2pError } from "../client/P2pError.js"
import type { SessionState } from "../client/SessionState.js"
import type { P2pMessage, PeerState } from "../protocol/PeerMessage.js"
import { withEarlySocket, type EarlySocket } from "./EarlySocket.js"

/** The DOM events a `<p2p-frame>` dispatches; all bubble. */
export interface P2pFrameEventMap {
  "p2p:state": CustomEvent<{ state: SessionState }>
  "p2p:negotiating": CustomEvent<{ state: SessionState }>
  "p2p:connecting": CustomEvent<{ state: SessionState }>
  "p2p:connected": CustomEvent<{ state: SessionState }>
  "p2p:full": CustomEvent<{ state: SessionState }>
  "p2p:disconnected": CustomEvent<{ state: SessionState }>
  "p2p:closed": CustomEvent<{ state: SessionState }>
  "p2p:message": CustomEvent<{ message: P2pMessage }>
  "p2p:error": CustomEvent<{ error: P2pError }>
  "p2p:host": CustomEvent<{ hostPeerId: string; iamHost: boolean }>
  /** A file started arriving; `detail.file` has `progress`/`end` events and `blob()`. */
  "p2p:file": CustomEvent<{ file: IncomingFile }>
  /** Another peer's published stream arrived: `detail.peerId`, `detail.stream`, `detail.name`. */
  "p2p:stream-added": CustomEvent<StreamEvent>
  /** It ended (unpublished, its publisher left, or the host changed and it comes back through the new one). */
  "p2p:stream-removed": CustomEvent<StreamEvent>
}

/**
 * `<p2p-frame session-id peer-id token token-url config cable-url>`: joins the session while it is
 * in the document and re-dispatches the session's events as `p2p:*` DOM events. All logic is in
 * {@link P2pSession}.
 *
 * Tokens: every (re)connection to signaling uses a fresh one from {@link tokenProvider} if the page
 * set it, else from `token-url` (fetched, same origin: JSON `{"token": "…"}` or the bare token),
 * else the `token` attribute as it is then. Setting `token` on a session that was refused for its
 * token starts it again.
 */
export class P2pFrameElement extends HTMLElement {
  static observedAttributes = ["token"]
  /** Gives a fresh join token before each (re)connection; set it before the frame connects, or any time after. */
  tokenProvider: (() => string | Promise<string>) | undefined
  private current: P2pSession | undefined
  private lastStates: P2pMessage | undefined
  private readonly onPageHide = () => this.current?.stop()

  connectedCallback(): void {
    if (this.current) return
    let session: P2pSession
    try {
      session = new P2pSession({
        cableUrl: this.cableUrl,
        sessionId: this.required("session-id"),
        peerId: this.required("peer-id"),
        token: this.getAttribute("token") ?? undefined,
        tokenProvider: () => this.provideToken(),
        config: this.config,
        WebSocket: withEarlySocket(WebSocket, (url) => this.takeEarlySocket(url)),
      })
    } catch (error) {
      this.takeEarlySocket()
      this.dispatch("p2p:error", { error: error instanceof P2pError ? error : new P2pError("invalid_config", String(error), { cause: error }) })
      return
    }
    this.current = session
    session.on("state", (state) => {
      this.setAttribute("state", state)
      this.dispatch("p2p:state", { state })
      this.dispatch(`p2p:${state}` as keyof P2pFrameEventMap, { state })
    })
    session.on("message", (message) => {
      if (message.type === "Data.Connection.State") this.lastStates = message
      this.dispatch("p2p:message", { message })
    })
    session.on("error", (error) => this.dispatch("p2p:error", { error }))
    session.on("host", (hostPeerId) => this.dispatch("p2p:host", { hostPeerId, iamHost: hostPeerId === session.peerId }))
    session.on("file", (file) => this.dispatch("p2p:file", { file }))
    session.on("stream-added", (event) => this.dispatch("p2p:stream-added", event))
    session.on("stream-removed", (event) => this.dispatch("p2p:stream-removed", event))
    // Closing the links on the way out lets the other peers react at once instead of after a timeout.
    window.addEventListener("pagehide", this.onPageHide)
    session.start()
  }

  disconnectedCallback(): void {
    window.removeEventListener("pagehide", this.onPageHide)
    this.current?.stop()
    this.current = undefined
  }

  attributeChangedCallback(name: string, previous: string | null, value: string | null): void {
    if (name !== "token" || previous === value || !this.current) return
    this.current.token = value ?? undefined
    // Refused for its token, the session stopped: the new one starts it again.
    if (this.current.state === "closed" && this.isConnected) {
      this.disconnectedCallback()
      this.connectedCallback()
    }
  }

  /** The session, while the element is connected. */
  get session(): P2pSession | undefined {
    return this.current
  }

  get state(): SessionState {
    return this.current?.state ?? "idle"
  }

  get peerId(): string | null {
    return this.getAttribute("peer-id")
  }

  get iamHost(): boolean {
    return this.current?.iamHost ?? false
  }

  get hostPeerId(): string | undefined {
    return this.current?.hostPeerId
  }

  get peerStates(): Record<string, PeerState> {
    return this.current?.peerStates ?? {}
  }

  /** The last `Data.Connection.State` message, for listeners that arrive late. */
  get lastStateMessage(): P2pMessage | undefined {
    return this.lastStates
  }

  /**
   * Sends `data` through the host: to every peer (and back here), or with `{ to }` to one peer
   * alone; JSON values and binary data of any size, `{ reliable: false }` for the real-time lane.
   * See `P2pSession#send`.
   */
  send(data: unknown, options: SendOptions = {}): boolean {
    return this.current?.send(data, options) ?? false
  }

  /**
   * Sends a file (a `Blob` or `File`) to every other peer, or with `{ to }` to one. Returns the
   * transfer (`progress`/`end` events, `cancel()`, `done`); see `P2pSession#sendFile`.
   */
  sendFile(blob: Blob, options: SendFileOptions = {}): OutgoingFile {
    if (this.current) return this.current.sendFile(blob, options)
    const file = new OutgoingFile("none", blob, options.name ?? "file", options.metadata, options.to)
    file.finish({ status: "failed", reason: "failed", message: "the frame is not in a session" })
    return file
  }

  /** Sends a camera, microphone or screen stream to every other peer; see `P2pSession#publish`. */
  publish(stream: MediaStream, options: PublishOptions = {}): Promise<void> {
    if (!this.current) return Promise.reject(new P2pError("not_connected", "the frame is not in a session"))
    return this.current.publish(stream, options)
  }

  /** Stops sending `stream`. */
  unpublish(stream: MediaStream): Promise<void> {
    return this.current?.unpublish(stream) ?? Promise.resolve()
  }

  // The token attribute alone is given at once (no promise), so the socket opens in this same task.
  private provideToken(): string | Promise<string> {
    if (this.tokenProvider) return this.tokenProvider()
    const url = this.getAttribute("token-url")
    if (url) return this.fetchToken(url)
    return this.getAttribute("token") ?? ""
  }

  /**
   * The socket the tag's preconnect script opened for this frame, once, if it is still open and to
   * `url`, the one the session connects to; else (or with no `url`: no session) it is closed.
   */
  private takeEarlySocket(url?: string): EarlySocket | undefined {
    const holder = this as { p2pEarlySocket?: EarlySocket }
    const early = holder.p2pEarlySocket
    delete holder.p2pEarlySocket
    if (!early) return undefined
    if (early.url === url && early.socket.readyState <= WebSocket.OPEN) return early
    early.socket.close()
    return undefined
  }

  private async fetchToken(url: string): Promise<string> {
    const response = await fetch(url, { credentials: "same-origin", headers: { accept: "application/json, text/plain" } })
    if (!response.ok) throw new Error(`token-url ${url} answered ${response.status}`)
    const text = (await response.text()).trim()
    const token = text.startsWith("{") ? (JSON.parse(text) as { token?: unknown }).token : text
    if (typeof token !== "string" || !token) throw new Error(`token-url ${url} gave no token`)
    this.setAttribute("token", token)
    return token
  }

  private get config(): P2pConfig {
    const text = this.getAttribute("config")
    if (!text) return {}
    try {
      return JSON.parse(text) as P2pConfig
    } catch (error) {
      throw new P2pError("invalid_config", "the config attribute of <p2p-frame> is not valid JSON", { cause: error })
    }
  }

  private get cableUrl(): string {
    const configured = this.getAttribute("cable-url") ?? document.querySelector<HTMLMetaElement>("meta[name='action-cable-url']")?.content ?? "/cable"
    const url = new URL(configured, window.location.href)
    if (url.protocol === "http:") url.protocol = "ws:"
    if (url.protocol === "https:") url.protocol = "wss:"
    return url.toString()
  }

  private required(name: string): string {
    const value = this.getAttribute(name)
    if (!value) throw new P2pError("bad_identifier", `<p2p-frame> needs a ${name} attribute`)
    return value
  }

  private dispatch<K extends keyof P2pFrameEventMap>(type: K, detail: P2pFrameEventMap[K]["detail"]): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true }))
  }
}

if (typeof customElements !== "undefined" && customElements.get("p2p-frame") === undefined) {
  customElements.define("p2p-frame", P2pFrameElement)
}

declare global {
  interface HTMLElementTagNameMap {
    "p2p-frame": P2pFrameElement
  }
  // `frame.addEventListener("p2p:message", (event) => event.detail.message)` is typed, on the
  // frame and on any ancestor (the events bubble).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends P2pFrameEventMap {}
}
