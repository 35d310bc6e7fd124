import type { ChannelMessage, ConnectionStateMessage, DataMessage, PeerState } from "../protocol/PeerMessage.js"
import type { ServerSignal } from "../protocol/Signal.js"
import { linkFailure } from "./P2pError.js"
import { PeerLink, type LinkEndReason, type PeerLinkDelegate } from "./PeerLink.js"
import type { RoleContext } from "./RoleContext.js"

type PeerSignalIn = Extract<ServerSignal, { state: "SdpOffer" | "SdpAnswer" | "IceCandidate" }>

/** The host: one link per client, relays every message to everyone, reports everyone's state. */
export class HostRole implements PeerLinkDelegate {
  readonly kind = "host"
  private readonly links = new Map<string, PeerLink>()
  private readonly states = new Map<string, PeerState>()

  constructor(private readonly context: RoleContext) {
    this.states.set(context.peerId, "connected")
  }

  start(): void {
    this.context.setState("connected")
    this.broadcastStates()
  }

  /** A client joined (or joined again after a reload): offer it a fresh link. */
  clientJoined(clientPeerId: string): void {
    this.links.get(clientPeerId)?.end("replaced")
    const link = new PeerLink(clientPeerId, this.context.linkOptions, this)
    this.links.set(clientPeerId, link)
    this.states.set(clientPeerId, "connecting")
    this.broadcastStates()
    void link.offer()
  }

  signal(signal: PeerSignalIn): void {
    const link = this.links.get(signal.peer_id)
    if (!link) return
    if (signal.state === "SdpAnswer") void link.acceptAnswer(signal.sdp)
    else if (signal.state === "SdpOffer") void link.acceptOffer(signal.sdp) // the client restarts ICE
    else if (signal.state === "IceCandidate") void link.addCandidate(signal.candidate)
  }

  send(data: unknown): boolean {
    this.broadcast({ type: "Data", senderId: this.context.peerId, data })
    return true
  }

  get peerStates(): Record<string, PeerState> {
    return Object.fromEntries(this.states)
  }

  /** After a signaling reconnect the server may have lost its state: report the connected clients again. */
  reregistered(): void {
    for (const [peerId, state] of this.states) {
      if (peerId !== this.context.peerId && state === "connected") this.context.sendSignal({ state: "PeerConnected", client_peer_id: peerId })
    }
  }

  stop(): void {
    for (const link of [...this.links.values()]) link.end("stopped", { sayBye: true })
  }

  linkSignal(link: PeerLink, signal: Parameters<PeerLinkDelegate["linkSignal"]>[1]): void {
    this.context.sendSignal({ ...signal, to_peer_id: link.remotePeerId })
  }

  linkOpened(link: PeerLink): void {
    this.states.set(link.remotePeerId, "connected")
    this.broadcastStates()
    this.context.sendSignal({ state: "PeerConnected", client_peer_id: link.remotePeerId })
  }

  linkMessage(link: PeerLink, message: ChannelMessage): void {
    // Clients only send data; the host stamps who sent it.
    if (message.type === "Data") this.broadcast({ type: "Data", senderId: link.remotePeerId, data: message.data })
  }

  linkEnded(link: PeerLink, reason: LinkEndReason): void {
    if (this.links.get(link.remotePeerId) !== link) return
    this.links.delete(link.remotePeerId)
    if (reason === "stopped" || reason === "replaced") return
    this.states.set(link.remotePeerId, "disconnected")
    this.broadcastStates()
    this.context.sendSignal({ state: "PeerDisconnected", client_peer_id: link.remotePeerId })
  }

  linkError(link: PeerLink, error: unknown): void {
    this.context.reportError(linkFailure(link.remotePeerId, error))
  }

  // Restarting ICE is the client's move (it is the one that may need signaling back); the host answers.
  linkInterrupted(): void {}

  linkRestored(): void {}

  private broadcastStates(): void {
    this.broadcast({ type: "Data.Connection.State", data: this.peerStates })
  }

  /** Shows a message here and sends it on every link, encoded once. */
  private broadcast(message: DataMessage | ConnectionStateMessage): void {
    this.context.deliver(message)
    const text = JSON.stringify(message)
    for (const link of this.links.values()) link.sendText(text)
  }
}
