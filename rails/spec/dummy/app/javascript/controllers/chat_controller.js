// The seed README's chat controller.
import { P2pController } from "p2p"

export default class extends P2pController {
  static targets = ["messages", "message", "status", "state"]

  p2pNegotiating() { this.stateTarget.innerText = "negotiating…" }
  p2pConnecting() { this.stateTarget.innerText = "connecting…" }
  p2pConnected() { this.stateTarget.innerText = this.iamHost ? "connected — you are the host" : `connected to host ${this.hostPeerId}` }
  p2pDisconnected() { this.stateTarget.innerText = "lost the host — reconnecting…" }
  p2pClosed() { this.stateTarget.innerText = "closed" }
  p2pError(error) { this.stateTarget.innerText += ` — ${error.code}: ${error.message}` }

  p2pReceivedMessage(message) {
    switch (message["type"]) {
      case "Data": {
        const chatLine = document.createElement("div")
        chatLine.innerText = `${message["senderId"]}: ${message["data"]}`
        this.messagesTarget.append(chatLine)
        break
      }
      case "Data.Connection.State":
        this.statusTarget.replaceChildren(...Object.entries(message["data"]).map(([peer, state]) => {
          const item = document.createElement("li")
          item.innerText = `${peer}: ${state}`
          return item
        }))
        break
    }
  }

  send() {
    this.p2pSendMessage(this.messageTarget.value)
    this.messageTarget.value = ""
  }
}
