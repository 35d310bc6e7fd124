import type { ChannelMessage, PeerState } from "../protocol/PeerMessage.js"
import type { ServerSignal } from "../protocol/Signal.js"
import { linkFailure } from "./P2pError.js"
import { PeerLink, type LinkEndReason, type PeerLinkDelegate } from "./PeerLink.js"
import type { RoleContext } from "./RoleContext.js"

type PeerSignalIn = Extract<ServerSignal, { state: "SdpOffer" | "SdpAnswer" | "IceCandidate" }>

/** A client: one link to the host, which relays for it. */
export class ClientRole implements PeerLinkDelegate {
  readonly kind = "client"
  private link: PeerLink | undefined
  private states: Record<string, PeerState> = {}
  private readonly offerTimer: ReturnType<typeof setTimeout>
  private restartPending = false

  constructor(
    private readonly context: RoleContext,
    readonly hostPeerId: string,
  ) {
    // A host that never offers (gone, but not yet noticed by the server) must not strand us.
    this.offerTimer = setTimeout(() => {
      if (!this.link) this.context.hostLost()
    }, context.linkOptions.connectTimeoutMs)
  }

  start(): void {
    this.context.setState("connecting")
  }

  get connected(): boolean {
    return this.link?.state === "open"
  }

  get peerStates(): Record<string, PeerState> {
    return { ...this.states }
  }

  signal(signal: PeerSignalIn): void {
    if (signal.peer_id !== this.hostPeerId) return
    if (signal.state === "SdpOffer") {
      this.link?.end("replaced")
      this.link = new PeerLink(this.hostPeerId, this.context.linkOptions, this)
      void this.link.acceptOffer(signal.sdp)
    } else if (signal.state === "SdpAnswer") {
      void this.link?.acceptAnswer(signal.sdp)
    } else if (signal.state === "IceCandidate") {
      void this.link?.addCandidate(signal.candidate)
    }
  }

  send(data: unknown): boolean {
    return this.link?.send({ type: "Data", data }) ?? false
  }

  /** Signaling is back for a connected client: restart ICE if that is why it was wanted. */
  signalingReady(): void {
    if (!this.restartPending || !this.link) return
    this.restartPending = false
    void this.link.restartIce()
  }

  stop(): void {
    clearTimeout(this.offerTimer)
    this.link?.end("stopped", { sayBye: true })
  }

  linkSignal(link: PeerLink, signal: Parameters<PeerLinkDelegate["linkSignal"]>[1]): void {
    this.context.sendSignal({ ...signal, to_peer_id: link.remotePeerId })
  }

  linkOpened(): void {
    clearTimeout(this.offerTimer)
    this.context.setState("connected")
    this.context.connectedToHost()
  }

  linkMessage(_link: PeerLink, message: ChannelMessage): void {
    if (message.type === "Data") {
      this.context.deliver({ type: "Data", senderId: message.senderId ?? this.hostPeerId, data: message.data })
    } else if (message.type === "Data.Connection.State") {
      this.states = message.data
      this.context.deliver(message)
    }
  }

  linkEnded(link: PeerLink, reason: LinkEndReason): void {
    if (this.link !== link) return
    this.link = undefined
    if (reason === "stopped" || reason === "replaced") return
    clearTimeout(this.offerTimer)
    this.context.hostLost()
  }

  linkInterrupted(): void {
    this.restartPending = true
    this.context.needSignaling()
  }

  linkRestored(): void {
    this.restartPending = false
    this.context.connectedToHost()
  }

  linkError(link: PeerLink, error: unknown): void {
    this.context.reportError(linkFailure(link.remotePeerId, error))
  }
}
