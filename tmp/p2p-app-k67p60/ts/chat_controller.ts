import { P2pController } from "p2p-streams-channel/stimulus"
import type { P2pMessage } from "p2p-streams-channel/client"

// Sits inside a <p2p-frame>; the first peer to join the session is the host, the others connect to it.
export default class ChatController extends P2pController {
  static override targets = ["messages", "message", "status"]
  declare readonly messagesTarget: HTMLElement
  declare readonly messageTarget: HTMLInputElement
  declare readonly statusTarget: HTMLElement

  override p2pNegotiating() {
    // your peer started to negotiate with the host through the signaling server
  }

  override p2pConnecting() {
    // your peer is connecting directly with the host peer
  }

  override p2pConnected() {
    // your peer is in the session: from now on p2pSendMessage reaches everyone
  }

  override p2pDisconnected() {
    // your peer lost the host; the session heals by itself
  }

  override p2pClosed() {}

  override p2pError(error: Error) {
    console.error(error)
  }

  // A message from anyone in the session, relayed by the host
  override p2pReceivedMessage(message: P2pMessage) {
    switch (message.type) {
      case "Data": {
        // message.senderId sent message.data
        const line = document.createElement("div")
        line.innerText = `${message.senderId}: ${message.data}`
        this.messagesTarget.append(line)
        break
      }
      case "Data.Connection.State":
        // message.data: { peerId: "connecting" | "connected" | "disconnected", ... }
        this.statusTarget.innerText = Object.entries(message.data)
          .map(([peer, state]) => `${peer}: ${state}`)
          .join("\n")
        break
    }
  }

  // e.g. <input type="submit" value="send" data-action="chat#send">
  send() {
    this.p2pSendMessage(this.messageTarget.value)
    this.messageTarget.value = ""
  }

  // this.iamHost: whether your peer is the host
  // this.peerId: your peer id
  // this.hostPeerId: the host's peer id
}
