/** The markup the controller expects, to put inside a `<p2p-frame>`. */
export function controllerMarkup(identifier: string): string {
  return `<div data-controller="${identifier}">
  <div data-${identifier}-target="messages"></div>
  <pre data-${identifier}-target="status"></pre>
  <input data-${identifier}-target="message" data-action="keydown.enter->${identifier}#send" placeholder="message">
  <input type="submit" value="send" data-action="${identifier}#send">
</div>`
}

/** The Stimulus controller the `controller` command writes, as the seed's generator did. */
export function controllerTemplate(className: string, identifier: string, typescript: boolean): string {
  const types = typescript
  const message = types ? "message: P2pMessage" : "message"
  const importLine = types
    ? `import { P2pController } from "p2p-streams-channel/stimulus"\nimport type { IncomingFile, P2pMessage } from "p2p-streams-channel/client"`
    : `import { P2pController } from "p2p-streams-channel/stimulus"`
  const targets = types
    ? `  static override targets = ["messages", "message", "status"]\n  declare readonly messagesTarget: HTMLElement\n  declare readonly messageTarget: HTMLInputElement\n  declare readonly statusTarget: HTMLElement\n`
    : `  static targets = ["messages", "message", "status"]\n`
  const override = types ? "override " : ""
  return `${importLine}

// Sits inside a <p2p-frame>; the first peer to join the session is the host, the others connect to it.
export default class ${className} extends P2pController {
${targets}
  ${override}p2pNegotiating() {
    // your peer started to negotiate with the host through the signaling server
  }

  ${override}p2pConnecting() {
    // your peer is connecting directly with the host peer
  }

  ${override}p2pConnected() {
    // your peer is in the session: from now on p2pSendMessage reaches everyone
  }

  ${override}p2pFull() {
    // the session is full; your peer joins by itself when a place frees up
  }

  ${override}p2pDisconnected() {
    // your peer lost the host; the session heals by itself
  }

  ${override}p2pClosed() {}

  ${override}p2pError(${types ? "error: Error" : "error"}) {
    console.error(error)
  }

  // A message from anyone in the session, relayed by the host
  ${override}p2pReceivedMessage(${message}) {
    switch (message.type) {
      case "Data": {
        // message.senderId sent message.data
        const line = document.createElement("div")
        line.innerText = \`\${message.senderId}: \${message.data}\`
        this.messagesTarget.append(line)
        break
      }
      case "Data.Connection.State":
        // message.data: { peerId: "connecting" | "connected" | "disconnected", ... }
        this.statusTarget.innerText = Object.entries(message.data)
          .map(([peer, state]) => \`\${peer}: \${state}\`)
          .join("\\n")
        break
    }
  }

  // e.g. <input type="submit" value="send" data-action="${identifier}#send">
  send() {
    this.p2pSendMessage(this.messageTarget.value)
    this.messageTarget.value = ""
  }

  // Files: this.p2pSendFile(file) sends one (an <input type="file">'s, a drop's); this follows one arriving
  ${override}p2pFileReceived(${types ? "file: IncomingFile, blob: Blob" : "file, blob"}) {
    // file.senderId sent file.name (file.size bytes): URL.createObjectURL(blob) makes a download link
  }

  // Cameras and screens: await this.p2pPublish(stream, { name: "camera" }) shares one with everyone
  ${override}p2pStreamAdded(${types ? "peerId: string, stream: MediaStream, name: string" : "peerId, stream, name"}) {
    // e.g. a <video autoplay playsinline> with video.srcObject = stream
  }

  ${override}p2pStreamRemoved(${types ? "peerId: string, name: string" : "peerId, name"}) {}

  // this.iamHost: whether your peer is the host
  // this.peerId: your peer id
  // this.hostPeerId: the host's peer id
}
`
}
