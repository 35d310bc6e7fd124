import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import type { Browser, BrowserContext } from "playwright-core"
import { afterAll, beforeAll } from "vitest"
import { createClientAssetHandler, importmapTag, signJoinToken, SignalingServer, silentLogger } from "../../src/server/index.js"
import { launchChromium, newContext } from "./browser.js"
import { chromiumPage, type Engine, type EnginePage } from "./enginePage.js"
import { FirefoxWindows } from "./firefox.js"

const SECRET = "session-pages-secret-0123456789"

/**
 * Pages that hold one `P2pSession` each, driven from the test: `window.p2p` is the session,
 * `window.received` every message it got, `window.errors` every error's code and text.
 */
const PAGE = `<!doctype html><html><head><meta charset="utf-8">${importmapTag()}
<script type="module">
import { P2pSession } from "p2p"
const params = new URLSearchParams(location.search)
const session = new P2pSession({ cableUrl: "ws://" + location.host + "/cable", sessionId: params.get("room"), peerId: params.get("peer"), token: params.get("token"), config: JSON.parse(params.get("config") || "{}") })
window.received = []
window.errors = []
session.on("message", (message) => { if (message.type === "Data") window.received.push({ ...message, at: performance.now() }) })
session.on("error", (error) => window.errors.push({ code: error.code, message: error.message }))
const hex = async (buffer) => Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", buffer)), (b) => b.toString(16).padStart(2, "0")).join("")
window.files = []
window.incoming = {}
session.on("file", (file) => {
  const record = { id: file.id, senderId: file.senderId, name: file.name, size: file.size, type: file.type, metadata: file.metadata, progress: [], end: null, digest: null, blobError: null }
  window.files.push(record)
  window.incoming[file.id] = file
  file.on("progress", (p) => record.progress.push(p.bytes))
  file.on("end", (end) => { record.end = end })
  file.blob().then(async (blob) => { record.blobType = blob.type; record.digest = await hex(await blob.arrayBuffer()) }, (error) => { record.blobError = error.code })
})
/** A file of \`size\` deterministic bytes, sent with \`options\`; its record is window.sent[id]. */
window.sent = {}
window.sendTestFile = async (size, options = {}) => {
  const piece = new Uint8Array(1 << 20).map((_, i) => (i * 7 + 3) & 255)
  const parts = []
  for (let left = size; left > 0; left -= piece.length) parts.push(left >= piece.length ? piece : piece.subarray(0, left))
  const blob = new File(parts, "test.bin", { type: "application/x-test" })
  const digest = await hex(await blob.arrayBuffer())
  const transfer = session.sendFile(blob, options)
  const record = { id: transfer.id, digest, progress: [], end: transfer.status === "failed" ? "failed-at-once" : null, done: null }
  window.sent[transfer.id] = record
  window.outgoing = window.outgoing || {}
  window.outgoing[transfer.id] = transfer
  transfer.on("progress", (p) => record.progress.push(p.bytes))
  transfer.on("end", (end) => { record.end = end })
  transfer.done.then(() => { record.done = "resolved" }, (error) => { record.done = error.code })
  return transfer.id
}
/** Media: what arrived and left, each stream shown in a <video>, and a publish helper. */
window.remote = []
window.videos = {}
session.on("stream-added", ({ peerId, stream, name }) => {
  window.remote.push({ event: "added", peerId, name, id: stream.id, kinds: stream.getTracks().map((t) => t.kind).sort() })
  const video = document.createElement("video")
  video.muted = true
  video.autoplay = true
  video.playsInline = true
  video.srcObject = stream
  // Frames shown: Firefox counts none for a MediaStream in getVideoPlaybackQuality(), so its video
  // frame callbacks are counted too (headless Chromium runs those only now and then on some pages).
  video.presented = 0
  const count = () => { video.presented += 1; video.requestVideoFrameCallback(count) }
  video.requestVideoFrameCallback(count)
  document.body.append(video)
  window.videos[peerId + "/" + name] = video
})
session.on("stream-removed", ({ peerId, stream, name }) => {
  window.remote.push({ event: "removed", peerId, name, id: stream.id })
  window.videos[peerId + "/" + name]?.remove()
  delete window.videos[peerId + "/" + name]
})
window.mine = {}
window.publishCamera = async (name) => {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: true })
  window.mine[name] = stream
  await session.publish(stream, { name })
  return stream.id
}
/** Frames shown so far for a stream shown here, and its size. */
window.watching = (key) => {
  const video = window.videos[key]
  if (!video) return null
  return { frames: Math.max(video.presented, video.getVideoPlaybackQuality().totalVideoFrames), width: video.videoWidth, height: video.videoHeight, audio: video.srcObject.getAudioTracks().length }
}
window.p2p = session
session.start()
</script></head><body></body></html>`

export interface OpenOptions {
  /** The engine of the page's browser; default Chromium. */
  engine?: Engine
  /** A browser of its own for this page, so that crashing it kills nothing else (Firefox). */
  alone?: boolean
  /** Returns as soon as the page is loaded, without waiting for its session to connect. */
  connected?: boolean
}

export interface SessionPages {
  browser: Browser
  context: BrowserContext
  baseUrl: string
  /** Opens a page for `peer` in `room`, and waits for it to be connected. */
  open(room: string, peer: string, config?: object, options?: OpenOptions): Promise<EnginePage>
}

/**
 * A signaling server, the browser bundle and the session page on one port, and a Chromium (and a
 * Firefox, launched on first use), for one describe block.
 */
export function useSessionPages(): SessionPages {
  const fixture = {} as SessionPages & { http: Server; signaling: SignalingServer; firefox: FirefoxWindows }
  fixture.firefox = new FirefoxWindows()
  beforeAll(async () => {
    const assets = createClientAssetHandler()
    fixture.signaling = new SignalingServer({ secret: SECRET, logger: silentLogger, rateLimitPerSecond: 10_000, rateLimitBurst: 10_000 })
    fixture.http = createServer((request, response) => {
      if (assets(request, response) || fixture.signaling.handleHttp(request, response)) return
      if (request.url?.startsWith("/session")) return void response.writeHead(200, { "content-type": "text/html" }).end(PAGE)
      response.writeHead(404).end()
    })
    fixture.signaling.attach(fixture.http)
    await new Promise<void>((resolve) => fixture.http.listen(0, "127.0.0.1", resolve))
    const port = (fixture.http.address() as AddressInfo).port
    fixture.baseUrl = `http://127.0.0.1:${port}`
    fixture.browser = await launchChromium()
    fixture.context = await newContext(fixture.browser, fixture.baseUrl)
  })
  afterAll(async () => {
    await fixture.browser?.close()
    await fixture.firefox.close()
    await fixture.signaling?.close()
    await new Promise((resolve) => fixture.http?.close(resolve))
  })
  async function newPage(engine: Engine, alone: boolean, peer: string, url: string): Promise<EnginePage> {
    if (engine === "chromium") {
      const page = await fixture.context.newPage()
      page.on("pageerror", (error) => console.error(`[${peer}] page error: ${error.message}`))
      await page.goto(url)
      return chromiumPage(page)
    }
    return fixture.firefox.open(fixture.baseUrl + url, { alone, label: peer })
  }
  fixture.open = async (room, peer, config = {}, { engine = "chromium", alone = false, connected = true } = {}) => {
    const token = signJoinToken(SECRET, { sessionId: room, peerId: peer, expiresAt: Date.now() + 600_000 })
    const page = await newPage(engine, alone, peer, `/session?room=${room}&peer=${peer}&token=${encodeURIComponent(token)}&config=${encodeURIComponent(JSON.stringify(config))}`)
    if (connected) await page.waitForFunction(() => (window as unknown as { p2p?: { state: string } }).p2p?.state === "connected", null, { timeout: 15_000 })
    return page
  }
  return fixture
}

/** Waits until every page's session reports every peer connected. */
export async function allConnected(pages: EnginePage[], peers: string[]): Promise<void> {
  for (const page of pages) {
    await page.waitForFunction((expected) => {
      const states = (window as unknown as { p2p: { peerStates: Record<string, string> } }).p2p.peerStates
      return expected.every((peer: string) => states[peer] === "connected")
    }, peers, { timeout: 15_000 })
  }
}
