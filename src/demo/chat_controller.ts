// Imported by name, as an app would: the importmap points it at the one bundled module.
import type { IncomingFile, OutgoingFile, P2pError, P2pMessage, PeerState, TransferEnd, TransferProgress } from "p2p-streams-channel/client"
import { P2pController } from "p2p-streams-channel/stimulus"

/** The demo room's chat, as a user would write it on top of P2pController: lines, direct messages and files. */
export default class ChatController extends P2pController {
  static override targets = ["messages", "messagebox", "message", "recipient", "file", "status", "state", "error", "invite", "videos", "cameraButton", "microphoneButton", "screenButton"]
  declare readonly messagesTarget: HTMLElement
  declare readonly messageboxTarget: HTMLElement
  declare readonly messageTarget: HTMLInputElement
  declare readonly recipientTarget: HTMLSelectElement
  declare readonly fileTarget: HTMLInputElement
  declare readonly statusTarget: HTMLElement
  declare readonly stateTarget: HTMLElement
  declare readonly errorTarget: HTMLElement
  declare readonly inviteTarget: HTMLAnchorElement
  declare readonly videosTarget: HTMLElement
  declare readonly cameraButtonTarget: HTMLButtonElement
  declare readonly microphoneButtonTarget: HTMLButtonElement
  declare readonly screenButtonTarget: HTMLButtonElement
  private known: Record<string, PeerState> | undefined
  private readonly sharing = new Map<string, MediaStream>()
  private readonly fileLines = new Map<string, HTMLElement>()

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
    if (message.type === "Data") {
      const text = describe(message.data)
      if (message.to) return this.addLine(`${message.senderId} → you: ${text}`, "direct")
      return this.addLine(`${message.senderId}: ${text}`)
    }
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
    const to = this.recipientTarget.value || undefined
    if (!text || !this.p2pSendMessage(text, to ? { to } : {})) return
    this.messageTarget.value = ""
    // A direct message is not sent back to its sender: show it here.
    if (to) this.addLine(`you → ${to}: ${text}`, "direct")
  }

  attach(): void {
    for (const file of Array.from(this.fileTarget.files ?? [])) this.sendFile(file)
    this.fileTarget.value = ""
  }

  dragOver(event: DragEvent): void {
    event.preventDefault()
    ;(event.currentTarget as HTMLElement).classList.add("dropping")
  }

  dragLeave(event: DragEvent): void {
    ;(event.currentTarget as HTMLElement).classList.remove("dropping")
  }

  drop(event: DragEvent): void {
    event.preventDefault()
    ;(event.currentTarget as HTMLElement).classList.remove("dropping")
    for (const file of Array.from(event.dataTransfer?.files ?? [])) this.sendFile(file)
  }

  override p2pFileStarted(file: IncomingFile): void {
    this.fileLine(file.id, `${file.senderId} sends ${file.name} (${size(file.size)})`, () => file.cancel())
  }

  override p2pFileProgress(file: IncomingFile, progress: TransferProgress): void {
    this.showProgress(file.id, progress)
  }

  override p2pFileReceived(file: IncomingFile, blob: Blob): void {
    const line = this.fileLines.get(file.id)
    if (!line) return
    const link = document.createElement("a")
    link.href = URL.createObjectURL(blob)
    link.download = file.name
    link.textContent = `${file.name} (${size(file.size)})`
    line.replaceChildren(`${file.senderId} sent `, link)
  }

  override p2pFileEnded(file: IncomingFile, end: TransferEnd): void {
    this.endLine(file.id, `${file.senderId}'s ${file.name}`, end)
  }

  async toggleCamera(): Promise<void> {
    await this.toggle("camera", this.cameraButtonTarget, () => navigator.mediaDevices.getUserMedia({ video: true }))
  }

  async toggleMicrophone(): Promise<void> {
    await this.toggle("microphone", this.microphoneButtonTarget, () => navigator.mediaDevices.getUserMedia({ audio: true }))
  }

  async toggleScreen(): Promise<void> {
    await this.toggle("screen", this.screenButtonTarget, () => navigator.mediaDevices.getDisplayMedia({ video: true }))
  }

  override p2pStreamAdded(peerId: string, stream: MediaStream, name: string): void {
    this.showVideo(`${peerId}/${name}`, `${peerId} · ${name}`, stream, false)
  }

  override p2pStreamRemoved(peerId: string, name: string): void {
    this.videosTarget.querySelector(`figure[data-key="${CSS.escape(`${peerId}/${name}`)}"]`)?.remove()
  }

  /** Starts or stops one kind of sharing: published to everyone, with a muted preview here. */
  private async toggle(name: string, button: HTMLButtonElement, capture: () => Promise<MediaStream>): Promise<void> {
    const current = this.sharing.get(name)
    if (current) {
      this.sharing.delete(name)
      await this.p2pUnpublish(current)
      for (const track of current.getTracks()) track.stop()
      this.videosTarget.querySelector(`figure[data-key="${CSS.escape(`you/${name}`)}"]`)?.remove()
      button.setAttribute("aria-pressed", "false")
      return
    }
    let stream: MediaStream
    try {
      stream = await capture()
    } catch (error) {
      this.errorTarget.textContent = `${name}: ${(error as Error).message}`
      return
    }
    this.sharing.set(name, stream)
    button.setAttribute("aria-pressed", "true")
    this.showVideo(`you/${name}`, `you · ${name}`, stream, true)
    // The browser's own "stop sharing" ends the tracks; the session unpublishes, the button follows.
    stream.getTracks().forEach((track) => track.addEventListener("ended", () => {
      if (this.sharing.get(name) === stream) void this.toggle(name, button, capture)
    }))
    await this.p2pPublish(stream, { name })
  }

  private showVideo(key: string, caption: string, stream: MediaStream, mine: boolean): void {
    this.videosTarget.querySelector(`figure[data-key="${CSS.escape(key)}"]`)?.remove()
    const figure = document.createElement("figure")
    figure.dataset.key = key
    const video = document.createElement("video")
    video.autoplay = true
    video.playsInline = true
    video.muted = mine // no echo of one's own microphone
    video.srcObject = stream
    const label = document.createElement("figcaption")
    label.textContent = caption
    figure.append(video, label)
    this.videosTarget.append(figure)
  }

  private sendFile(blob: File): void {
    const to = this.recipientTarget.value || undefined
    const transfer = this.p2pSendFile(blob, to ? { to } : {})
    if (!transfer) return
    this.fileLine(transfer.id, `you send ${blob.name} (${size(blob.size)})${to ? ` to ${to}` : ""}`, () => transfer.cancel())
    this.follow(transfer)
  }

  private follow(transfer: OutgoingFile): void {
    transfer.on("progress", (progress) => this.showProgress(transfer.id, progress))
    transfer.on("end", (end) => {
      if (end.status === "done") this.fileLines.get(transfer.id)?.replaceChildren(`you sent ${transfer.name} (${size(transfer.size)}) — everyone has it`)
      else this.endLine(transfer.id, `your ${transfer.name}`, end)
    })
  }

  private fileLine(id: string, text: string, cancel: () => void): void {
    const line = document.createElement("div")
    line.className = "file"
    const bar = document.createElement("progress")
    bar.max = 1
    bar.value = 0
    const button = document.createElement("button")
    button.textContent = "cancel"
    button.addEventListener("click", cancel)
    line.append(text, bar, button)
    this.fileLines.set(id, line)
    this.messagesTarget.append(line)
    this.messagesTarget.scrollTop = this.messagesTarget.scrollHeight
  }

  private showProgress(id: string, progress: TransferProgress): void {
    const bar = this.fileLines.get(id)?.querySelector("progress")
    if (bar) bar.value = progress.total === 0 ? 1 : progress.bytes / progress.total
  }

  private endLine(id: string, what: string, end: TransferEnd): void {
    if (end.status === "done") return
    this.fileLines.get(id)?.replaceChildren(`${what}: ${end.status} (${end.message})`)
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
    const chosen = this.recipientTarget.value
    const others = Object.entries(this.known ?? {}).filter(([peer, state]) => peer !== this.peerId && state === "connected").map(([peer]) => peer)
    this.recipientTarget.replaceChildren(new Option("everyone", ""), ...others.map((peer) => new Option(peer, peer)))
    this.recipientTarget.value = others.includes(chosen) ? chosen : ""
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

/** A line's text: strings as they are; binary by its size; other JSON as JSON, cut short. */
function describe(data: unknown): string {
  if (typeof data === "string") return data
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return `[${size(data.byteLength)} of binary data]`
  const json = JSON.stringify(data)
  return json.length > 500 ? `${json.slice(0, 500)}…` : json
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
