// Media benchmarks in headless Chromium with fake devices, on loopback: time from `publish` to the
// first decoded frame at every other page, frames decoded per second, and the host's CPU, for
// 1 host + 2/4/8 clients — the host's camera, and a client's camera forwarded by the host. The
// reference, in the same run: the same pages joined by PeerJS media calls (a mesh: the publisher
// calls every other page itself).
// Run: npm run bench:media   (options: --quick, --smoke, --json FILE)
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { chromium } from "playwright-core"
import { importmapTag, signJoinToken } from "../dist/server/index.js"
import { CHROMIUM_ARGS, CHROMIUM_PATH, enterLoopbackNamespace, newBenchContext, startBenchServers } from "./lib/browserBench.mjs"
import { fmt, median, sleep } from "./lib/stats.mjs"
import { table } from "./lib/table.mjs"

enterLoopbackNamespace()

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, smoke: { type: "boolean", default: false }, json: { type: "string" } } })
const smoke = values.smoke
const quick = values.quick || smoke
const SIZES = smoke ? [2] : quick ? [2, 4] : [2, 4, 8]
const STEADY_MS = smoke ? 2000 : 5000
const SECRET = "bench-media-secret-0123456789"
const CAPTURE = { video: { width: 640, height: 480, frameRate: 30 }, audio: true }

// Shared by both kinds of page: a received stream is shown in a <video>; its first frame's time is kept.
const RECEIVER = `
window.bench = { first: {}, videos: {} }
window.show = (key, stream) => {
  const video = document.createElement("video")
  Object.assign(video, { srcObject: stream, autoplay: true, muted: true, playsInline: true })
  document.body.append(video)
  window.bench.videos[key] = video
  video.requestVideoFrameCallback(() => (window.bench.first[key] ??= Date.now()))
}
window.frames = () => Object.fromEntries(Object.entries(window.bench.videos).map(([key, video]) => [key, video.getVideoPlaybackQuality().totalVideoFrames]))
window.capture = () => navigator.mediaDevices.getUserMedia(${JSON.stringify(CAPTURE)})
`

function p2pPage(room, peer, cableUrl) {
  const token = signJoinToken(SECRET, { sessionId: room, peerId: peer, expiresAt: Date.now() + 3_600_000 })
  return `<!doctype html><html><head><meta charset="utf-8"><title>${peer}</title>${importmapTag()}
<script>${RECEIVER}</script>
<script type="module">
import { P2pSession } from "p2p"
const session = new P2pSession({ cableUrl: ${JSON.stringify(cableUrl)}, sessionId: ${JSON.stringify(room)}, peerId: ${JSON.stringify(peer)}, token: ${JSON.stringify(token)} })
session.on("stream-added", ({ peerId, stream }) => window.show(peerId, stream))
window.publish = async () => {
  const stream = await window.capture()
  const at = Date.now()
  await session.publish(stream, { name: "camera" })
  return at
}
window.p2p = session
session.start()
</script></head><body></body></html>`
}

function peerjsPage(port, id) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${id}</title><script src="/peerjs.min.js"></script>
<script>${RECEIVER}
  const peer = new Peer(${JSON.stringify(id)}, { host: "127.0.0.1", port: ${port}, path: "/", key: "peerjs", config: { iceServers: [] } })
  peer.on("open", () => (window.ready = true))
  peer.on("call", (call) => {
    call.answer()
    call.on("stream", (stream) => window.bench.videos[call.peer] || window.show(call.peer, stream))
  })
  window.publish = async (targets) => {
    const stream = await window.capture()
    const at = Date.now()
    for (const target of targets) peer.call(target, stream)
    return at
  }
</script></head><body></body></html>`
}

const servers = await startBenchServers({
  secret: SECRET,
  route: (path, q, { peerjsPort, cableUrl }) => {
    if (path === "/p2p") return p2pPage(q("room"), q("peer"), cableUrl)
    if (path === "/peerjs") return peerjsPage(peerjsPort, q("id"))
    return undefined
  },
})
// The host (or the PeerJS publisher) runs in a Chromium of its own, so its CPU can be read from its processes.
const hostServer = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
const hostBrowser = await chromium.connect(hostServer.wsEndpoint())
const othersBrowser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
const hostContext = await newBenchContext(hostBrowser, servers.baseURL)
const othersContext = await newBenchContext(othersBrowser, servers.baseURL)

/** CPU seconds used so far by a process and all its descendants. */
function cpuSeconds(rootPid) {
  const parents = new Map()
  const ticks = new Map()
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8")
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      parents.set(Number(entry), Number(fields[1]))
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]))
    } catch {
      // gone meanwhile
    }
  }
  let total = 0
  for (const [pid, tick] of ticks) {
    for (let at = pid; at; at = parents.get(at)) {
      if (at === rootPid) {
        total += tick
        break
      }
    }
  }
  return total / 100
}

async function openIn(context, path) {
  const page = await context.newPage()
  await page.goto(path)
  return page
}

let round = 0

/** Builds the star (p2p) or opens the pages (PeerJS); `publisher` is the host or the first client. */
async function scene(kind, clients, publisher) {
  round += 1
  const room = `media${round}`
  const names = ["host", ...Array.from({ length: clients }, (_, i) => `c${i}`)]
  const path = (name) => (kind === "p2p" ? `/p2p?room=${room}&peer=${name}` : `/peerjs?id=${room}-${name}`)
  const pages = {}
  for (const name of names) {
    // The separate browser holds the p2p host (it forwards whoever publishes), or the PeerJS publisher.
    const inHostBrowser = kind === "p2p" ? name === "host" : name === publisher
    pages[name] = await openIn(inHostBrowser ? hostContext : othersContext, path(name))
    if (kind === "p2p" && name === "host") await pages.host.waitForFunction(() => window.p2p?.state === "connected", null, { timeout: 60_000 })
  }
  if (kind === "p2p") {
    for (const page of Object.values(pages)) await page.waitForFunction((peers) => peers.every((peer) => window.p2p.peerStates[peer] === "connected"), names, { timeout: 60_000 })
  } else {
    for (const page of Object.values(pages)) await page.waitForFunction(() => window.ready, null, { timeout: 60_000 })
  }
  return { pages, names, room }
}

async function measure(kind, clients, publisher) {
  const { pages, names, room } = await scene(kind, clients, publisher)
  const receivers = names.filter((name) => name !== publisher)
  const started = await pages[publisher].evaluate((targets) => window.publish(targets), receivers.map((name) => `${room}-${name}`))
  const firsts = []
  for (const name of receivers) {
    await pages[name].waitForFunction((from) => window.bench.first[from], kind === "p2p" ? publisher : `${room}-${publisher}`, { timeout: 60_000, polling: 20 })
    firsts.push((await pages[name].evaluate((from) => window.bench.first[from], kind === "p2p" ? publisher : `${room}-${publisher}`)) - started)
  }
  await sleep(1000)
  const framesBefore = await Promise.all(receivers.map((name) => pages[name].evaluate(() => window.frames())))
  const pid = hostServer.process().pid
  const cpuBefore = cpuSeconds(pid)
  await sleep(STEADY_MS)
  const cpuAfter = cpuSeconds(pid)
  const framesAfter = await Promise.all(receivers.map((name) => pages[name].evaluate(() => window.frames())))
  const fps = receivers.map((_, i) => {
    const key = Object.keys(framesAfter[i])[0]
    return ((framesAfter[i][key] ?? 0) - (framesBefore[i][key] ?? 0)) / (STEADY_MS / 1000)
  })
  await Promise.all(Object.values(pages).map((page) => page.close()))
  return { firstFrame: { median: median(firsts), max: Math.max(...firsts) }, fps: { median: median(fps), min: Math.min(...fps) }, hostCores: (cpuAfter - cpuBefore) / (STEADY_MS / 1000) }
}

const results = {}
for (const clients of SIZES) {
  results[clients] = {}
  for (const [label, publisher] of [["host publishes", "host"], ["a client publishes", "c0"]]) {
    results[clients][label] = {}
    for (const kind of ["p2p", "peerjs"]) {
      results[clients][label][kind] = await measure(kind, clients, publisher)
      const r = results[clients][label][kind]
      console.log(`  ${kind} 1 + ${clients}, ${label}: first frame median ${fmt(r.firstFrame.median)} ms, ${fmt(r.fps.median, 1)} fps, publisher-side CPU ${fmt(r.hostCores, 2)} cores`)
    }
  }
}

await othersBrowser.close()
await hostBrowser.close()
await hostServer.close()
await servers.close()

console.log("\n## results")
console.log(`\nMedia, 1 host + N clients, a ${CAPTURE.video.width}×${CAPTURE.video.height} ${CAPTURE.video.frameRate} fps fake camera with audio: time from publish to the first decoded frame at every other page (ms), frames decoded per second at each, and the CPU of the browser holding the host (p2p) or the publisher (PeerJS, which calls every page itself), in cores over ${STEADY_MS / 1000} s`)
console.log(table(["clients", "who publishes", "p2p first frame median / max", "PeerJS first frame median / max", "p2p fps median / min", "PeerJS fps median / min", "p2p host CPU", "PeerJS publisher CPU"], SIZES.flatMap((clients) =>
  Object.entries(results[clients]).map(([label, { p2p, peerjs }]) => [
    String(clients),
    label,
    `${fmt(p2p.firstFrame.median)} / ${fmt(p2p.firstFrame.max)}`,
    `${fmt(peerjs.firstFrame.median)} / ${fmt(peerjs.firstFrame.max)}`,
    `${fmt(p2p.fps.median, 1)} / ${fmt(p2p.fps.min, 1)}`,
    `${fmt(peerjs.fps.median, 1)} / ${fmt(peerjs.fps.min, 1)}`,
    fmt(p2p.hostCores, 2),
    fmt(peerjs.hostCores, 2),
  ]))))
if (values.json) writeFileSync(values.json, JSON.stringify({ sizes: SIZES, capture: CAPTURE, steadyMs: STEADY_MS, results }, null, 2))
process.exit(0)
