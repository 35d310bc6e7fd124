// Imported by name, as an app would: the importmap points it at the one bundled module.
import type { P2pError, P2pMessage, PeerState } from "p2p-streams-channel/client"
import { P2pController } from "p2p-streams-channel/stimulus"

/** The demo room's chat, as a user would write it on top of P2pController. */
export default class ChatController extends P2pController {
  static override targets = ["messages", "messagebox", "message", "status", "state", "error", "invite"]
  declare readonly messagesTarget: HTMLElement
  declare readonly messageboxTarget: HTMLElement
  declare readonly messageTarget: HTMLInputElement
  declare readonly statusTarget: HTMLElement
  declare readonly stateTarget: HTMLElement
  declare readonly errorTarget: HTMLElement
  declare readonly inviteTarget: HTMLAnchorElement
  private known: Record<string, PeerState> | undefined

  override connect(): void {
    super.connect()
    // The invite carries the room, never this page's name: whoever opens it picks their own.
    this.inviteTarget.textContent = this.inviteTarget.href
  }

  override p2pNegotiating(): void {
    this.showState("negotiating with the host…", false)
  }

  override p2pConnecting(): void {
    this.showState("connecting to the host…", false)
  }

  override p2pConnected(): void {
    this.errorTarget.textContent = ""
    this.showState(this.iamHost ? "connected — you are the host" : `connected to host ${this.hostPeerId ?? ""}`, true)
  }

  override p2pFull(): void {
    this.showState("the room is full — you will join by yourself when a place frees up", false)
  }

  override p2pDisconnected(): void {
    this.showState("lost the host — reconnecting…", false)
  }

  override p2pClosed(): void {
    this.showState("closed", false)
  }

  // Kept apart from the state line, so `closed` never hides why.
  override p2pError(error: P2pError): void {
    const text = error.code === "signaling_unreachable" ? "the signaling server is unreachable — still trying" : error.message
    this.errorTarget.textContent = `${error.code}: ${text}`
  }

  override p2pHostChanged(): void {
    this.renderPeers()
  }

  override p2pReceivedMessage(message: P2pMessage): void {
    if (message.type === "Data") return this.addLine(`${message.senderId}: ${String(message.data)}`)
    // The first snapshot is who was here already; later ones say who came and went.
    for (const [peer, state] of this.known ? Object.entries(message.data) : []) {
      const before = this.known?.[peer]
      if (state === "connected" && before !== "connected") this.addLine(`${peer} joined`, "event")
      if (state === "disconnected" && before === "connected") this.addLine(`${peer} left`, "event")
    }
    this.known = { ...message.data }
    this.renderPeers()
  }

  send(): void {
    const text = this.messageTarget.value.trim()
    if (text && this.p2pSendMessage(text)) this.messageTarget.value = ""
  }

  private renderPeers(): void {
    this.statusTarget.replaceChildren(
      ...Object.entries(this.known ?? {}).map(([peer, state]) => {
        const item = document.createElement("li")
        item.dataset.state = state
        if (peer === this.hostPeerId) item.dataset.host = ""
        item.innerText = `${peer}: ${state}`
        return item
      }),
    )
  }

  private addLine(text: string, kind?: string): void {
    const line = document.createElement("div")
    if (kind) line.className = kind
    line.innerText = text
    this.messagesTarget.append(line)
    this.messagesTarget.scrollTop = this.messagesTarget.scrollHeight
  }

  private showState(text: string, available: boolean): void {
    this.stateTarget.innerText = text
    this.messageboxTarget.classList.toggle("not-available", !available)
    this.messageboxTarget.classList.toggle("available", available)
  }
}
