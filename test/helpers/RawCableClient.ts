import WebSocket from "ws"

/** A frame as received; loose on purpose, tests assert on its fields. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Frame = Record<string, any>

export interface RawConnectOptions {
  origin?: string
  protocols?: string[]
  /** Answer WebSocket pings (a live client). Default: true. */
  autoPong?: boolean
}

/** A bare WebSocket client for protocol tests: sends raw frames, awaits received ones. */
export class RawCableClient {
  readonly frames: Frame[] = []
  closeEvent: { code: number; reason: string } | undefined
  private waiters: Array<() => void> = []

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame)
      this.wake()
    })
    socket.on("close", (code, reason) => {
      this.closeEvent = { code, reason: reason.toString() }
      this.wake()
    })
  }

  static connect(url: string, options: RawConnectOptions = {}): Promise<RawCableClient> {
    const socket = new WebSocket(url, options.protocols ?? ["actioncable-v1-json", "actioncable-unsupported"], {
      headers: options.origin ? { origin: options.origin } : {},
      autoPong: options.autoPong ?? true,
    })
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve(new RawCableClient(socket)))
      socket.once("error", reject)
      socket.once("unexpected-response", (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)))
    })
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame))
  }

  subscribe(identifier: string): void {
    this.send({ command: "subscribe", identifier })
  }

  /** Subscribes, waits for the confirmation, sends SessionJoin and resolves with its SessionReady. */
  async join(identifier: string): Promise<Frame> {
    this.subscribe(identifier)
    await this.next((f) => f.identifier === identifier && f.type === "confirm_subscription")
    this.perform(identifier, { type: "Connection", state: "SessionJoin" })
    return this.message(identifier, "SessionReady")
  }

  perform(identifier: string, data: Record<string, unknown>): void {
    this.send({ command: "message", identifier, data: JSON.stringify(data) })
  }

  /** Resolves with the first received frame (consumed) that matches, waiting up to `timeoutMs`. */
  async next(match: (frame: Frame) => boolean, timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const index = this.frames.findIndex(match)
      if (index >= 0) return this.frames.splice(index, 1)[0] as Frame
      if (Date.now() >= deadline) throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames).slice(0, 600)}`)
      await this.waitForActivity(deadline - Date.now())
    }
  }

  /**
   * Waits until the server's welcome is here, leaving it among the frames. A strict client (the
   * official one) sends nothing before it: Rails buffers commands that arrive while it opens the
   * connection, and one that lands in the same instant as the welcome can be lost there.
   */
  async welcomed(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!this.frames.some((f) => f.type === "welcome")) {
      if (Date.now() >= deadline) throw new Error(`no welcome within ${timeoutMs} ms; got ${JSON.stringify(this.frames).slice(0, 600)}`)
      await this.waitForActivity(deadline - Date.now())
    }
  }

  /** The next signaling message delivered on `identifier` with this `state`. */
  async message(identifier: string, state: string, timeoutMs = 3000): Promise<Frame> {
    const frame = await this.next((f) => f.identifier === identifier && f.message?.state === state, timeoutMs)
    return frame.message as Frame
  }

  /** Waits until the socket closes. */
  async closed(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs
    while (!this.closeEvent) {
      if (Date.now() >= deadline) throw new Error("socket did not close")
      await this.waitForActivity(deadline - Date.now())
    }
    return this.closeEvent
  }

  close(): void {
    this.socket.close()
  }

  private waitForActivity(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(ms, 1))
      this.waiters.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const waiter of waiters) waiter()
  }
}

/** The raw clients one test opened, closed together afterwards. */
export class RawClientPool {
  private readonly clients: RawCableClient[] = []

  /** Connects and, unless `welcome` is false, waits for the server's welcome. */
  async connect(url: string, options: RawConnectOptions = {}, { welcome = true } = {}): Promise<RawCableClient> {
    const client = await RawCableClient.connect(url, options)
    this.clients.push(client)
    if (welcome) await client.next((f) => f.type === "welcome")
    return client
  }

  closeAll(): void {
    for (const client of this.clients.splice(0)) client.close()
  }
}
