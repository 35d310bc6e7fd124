import { Controller } from "@hotwired/stimulus"
import type { SessionState } from "../client/SessionState.js"
import type { P2pError } from "../client/P2pError.js"
import type { SendOptions } from "../client/data/payload.js"
import type { IncomingFile, OutgoingFile, TransferEnd, TransferProgress } from "../client/data/FileTransfer.js"
import type { PublishOptions, SendFileOptions, StreamEvent } from "../client/P2pSession.js"
import { P2pFrameElement } from "../frame/P2pFrameElement.js"
import type { P2pMessage } from "../protocol/PeerMessage.js"

/**
 * Base class for a Stimulus controller inside a `<p2p-frame>`. Override the `p2p*` callbacks you
 * need; call `p2pSendMessage(data)` to send. If you override `connect()`/`disconnect()`, call `super`.
 */
export class P2pController<E extends Element = HTMLElement> extends Controller<E> {
  private p2pFrame: P2pFrameElement | undefined
  private p2pListeners: Array<() => void> = []

  override connect(): void {
    const frame = this.element.closest("p2p-frame")
    if (!(frame instanceof P2pFrameElement)) {
      throw new Error(`${this.identifier}: a P2pController must sit inside a <p2p-frame>`)
    }
    this.p2pFrame = frame
    const on = <T>(type: string, handler: (detail: T) => void) => {
      const listener = (event: Event) => handler((event as CustomEvent<T>).detail)
      frame.addEventListener(type, listener)
      this.p2pListeners.push(() => frame.removeEventListener(type, listener))
    }
    on<{ state: SessionState }>("p2p:state", ({ state }) => this.p2pStateChanged(state))
    on<{ message: P2pMessage }>("p2p:message", ({ message }) => this.p2pReceivedMessage(message))
    on<{ error: P2pError }>("p2p:error", ({ error }) => this.p2pError(error))
    on<{ hostPeerId: string; iamHost: boolean }>("p2p:host", ({ hostPeerId, iamHost }) => this.p2pHostChanged(hostPeerId, iamHost))
    on<{ file: IncomingFile }>("p2p:file", ({ file }) => this.p2pFileIncoming(file))
    on<StreamEvent>("p2p:stream-added", ({ peerId, stream, name }) => this.p2pStreamAdded(peerId, stream, name))
    on<StreamEvent>("p2p:stream-removed", ({ peerId, stream, name }) => this.p2pStreamRemoved(peerId, name, stream))
    // A controller that connects after the session did still learns where it stands.
    if (frame.state !== "idle") this.p2pStateChanged(frame.state)
    const states = frame.lastStateMessage
    if (states) this.p2pReceivedMessage(states)
  }

  override disconnect(): void {
    for (const stop of this.p2pListeners) stop()
    this.p2pListeners = []
    this.p2pFrame = undefined
  }

  /** Your peer started to negotiate with the host through signaling. */
  p2pNegotiating(): void {}
  /** Your peer is connecting directly with the host. */
  p2pConnecting(): void {}
  /** Your peer is in the session; from now on `p2pSendMessage` works. */
  p2pConnected(): void {}
  /** The session is full; your peer joins by itself when a place frees up. */
  p2pFull(): void {}
  /** Your peer lost the host; the session heals by itself. */
  p2pDisconnected(): void {}
  /** The session was stopped. */
  p2pClosed(): void {}
  p2pError(_error: P2pError): void {}
  /** A `Data` message (`{type, senderId, data}`) or `Data.Connection.State` (`{type, data: {peer: state}}`). */
  p2pReceivedMessage(_message: P2pMessage): void {}
  /** The host changed (`iamHost` tells whether it is this peer). */
  p2pHostChanged(_hostPeerId: string, _iamHost: boolean): void {}

  /**
   * Sends `data` to every peer (and back to you) through the host, or with `{ to: peerId }` to one
   * peer alone: a JSON value, or binary data (`ArrayBuffer`, typed array, `Blob`) of any size;
   * `{ reliable: false }` for the real-time lane. False when not connected, or when `data` cannot
   * go (then `p2pError` gets `unsupported_data`).
   */
  p2pSendMessage(data: unknown, options: SendOptions = {}): boolean {
    return this.p2pFrame?.send(data, options) ?? false
  }

  /**
   * Sends a file (a `Blob` or `File`, e.g. from an `<input type="file">`) to every other peer, or
   * with `{ to: peerId }` to one. The returned transfer has `progress`/`end` events, `cancel()`
   * and `done`. Receivers get `p2pFileStarted`, `p2pFileProgress`, then `p2pFileReceived` or
   * `p2pFileEnded`.
   */
  p2pSendFile(file: Blob, options: SendFileOptions = {}): OutgoingFile | undefined {
    return this.p2pFrame?.sendFile(file, options)
  }

  /** A file started arriving from `file.senderId` (`file.name`, `size`, `type`, `metadata`); `file.cancel()` refuses it. */
  p2pFileStarted(_file: IncomingFile): void {}
  /** More of it is here. */
  p2pFileProgress(_file: IncomingFile, _progress: TransferProgress): void {}
  /** All of it is here, as a `Blob` (e.g. `URL.createObjectURL(blob)` for a download link). */
  p2pFileReceived(_file: IncomingFile, _blob: Blob): void {}
  /** It ended without arriving: `end.status` is `cancelled` or `failed`, `end.reason` says why. */
  p2pFileEnded(_file: IncomingFile, _end: TransferEnd): void {}

  /**
   * Sends a camera, microphone or screen stream (`getUserMedia`, `getDisplayMedia`) to every other
   * peer, through the host; `{ name }` is what they see it called. Resolves once it is published.
   */
  p2pPublish(stream: MediaStream, options: PublishOptions = {}): Promise<void> {
    return this.p2pFrame?.publish(stream, options) ?? Promise.reject(new Error(`${this.identifier}: not inside a connected <p2p-frame>`))
  }

  /** Stops sending `stream`. */
  p2pUnpublish(stream: MediaStream): Promise<void> {
    return this.p2pFrame?.unpublish(stream) ?? Promise.resolve()
  }

  /** Another peer's stream arrived: show it, e.g. `video.srcObject = stream`. */
  p2pStreamAdded(_peerId: string, _stream: MediaStream, _name: string): void {}
  /** That stream ended (or comes back through a new host, with `p2pStreamAdded` again). */
  p2pStreamRemoved(_peerId: string, _name: string, _stream: MediaStream): void {}

  private p2pFileIncoming(file: IncomingFile): void {
    file.on("progress", (progress) => this.p2pFileProgress(file, progress))
    file.on("end", (end) => {
      if (end.status !== "done") this.p2pFileEnded(file, end)
    })
    this.p2pFileStarted(file)
    if (file.status === "receiving") file.blob().then((blob) => this.p2pFileReceived(file, blob), () => {})
  }

  get iamHost(): boolean {
    return this.p2pFrame?.iamHost ?? false
  }

  get peerId(): string | null {
    return this.p2pFrame?.peerId ?? null
  }

  get hostPeerId(): string | undefined {
    return this.p2pFrame?.hostPeerId
  }

  private p2pStateChanged(state: SessionState): void {
    switch (state) {
      case "negotiating":
        return this.p2pNegotiating()
      case "connecting":
        return this.p2pConnecting()
      case "connected":
        return this.p2pConnected()
      case "full":
        return this.p2pFull()
      case "disconnected":
        return this.p2pDisconnected()
      case "closed":
        return this.p2pClosed()
    }
  }
}
