// Imported by name, as an app would: the importmap points it at the one bundled module.
import type { P2pError, P2pMessage } from "p2p-streams-channel/client"
import { P2pController } from "p2p-streams-channel/stimulus"

/** The demo room's chat, as a user would write it on top of P2pController. */
export default class ChatController extends P2pController {
  static override targets = ["messages", "messagebox", "message", "status", "state"]
  declare readonly messagesTarget: HTMLElement
  declare readonly messageboxTarget: HTMLElement
  declare readonly messageTarget: HTMLInputElement
  declare readonly statusTarget: HTMLElement
  declare readonly stateTarget: HTMLElement

  override p2pNegotiating(): void {
    this.showState("negotiating with the host…", false)
  }

  override p2pConnecting(): void {
    this.showState("connecting to the host…", false)
  }

  override p2pConnected(): void {
    this.showState(this.iamHost ? "connected — you are the host" : `connected to host ${this.hostPeerId ?? ""}`, true)
  }

  override p2pDisconnected(): void {
    this.showState("lost the host — reconnecting…", false)
  }

  override p2pClosed(): void {
    this.showState("closed", false)
  }

  override p2pError(error: P2pError): void {
    this.stateTarget.innerText = `${this.stateTarget.innerText} — ${error.code}: ${error.message}`
  }

  override p2pReceivedMessage(message: P2pMessage): void {
    if (message.type === "Data") {
      const line = document.createElement("div")
      line.innerText = `${message.senderId}: ${String(message.data)}`
      this.messagesTarget.append(line)
      this.messagesTarget.scrollTop = this.messagesTarget.scrollHeight
    } else {
      this.statusTarget.replaceChildren(
        ...Object.entries(message.data).map(([peer, state]) => {
          const item = document.createElement("li")
          item.dataset.state = state
          item.innerText = `${peer}: ${state}`
          return item
        }),
      )
    }
  }

  send(): void {
    const text = this.messageTarget.value.trim()
    if (text && this.p2pSendMessage(text)) this.messageTarget.value = ""
  }

  private showState(text: string, available: boolean): void {
    this.stateTarget.innerText = text
    this.messageboxTarget.classList.toggle("not-available", !available)
    this.messageboxTarget.classList.toggle("available", available)
  }
}
