// Data-transfer benchmarks in headless Chromium on loopback: a file host → one client and client →
// host → four clients (sendFile), against a raw RTCDataChannel between two pages and PeerJS's
// `binary` mode, measured in the same run; the peak JS heap of sender, host and receiver during the
// transfer; and chat latency while a transfer runs.
// Run: npm run bench:files   (options: --quick, --smoke, --json FILE)
import { writeFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { importmapTag, signJoinToken } from "../dist/server/index.js"
import { enterLoopbackNamespace, launchBenchBrowser, rawChannelPair, startBenchServers } from "./lib/browserBench.mjs"
import { fmt, median, percentile, ratio, sleep } from "./lib/stats.mjs"
import { table } from "./lib/table.mjs"

enterLoopbackNamespace()

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, smoke: { type: "boolean", default: false }, json: { type: "string" } } })
const smoke = values.smoke
const quick = values.quick || smoke
const MB = 1024 * 1024
const SIZE = smoke ? 4 * MB : quick ? 20 * MB : 100 * MB
const FAN_OUT = smoke ? 2 : 4
const SECRET = "bench-files-secret-0123456789"

// A blob of `size` bytes made of one 1 MiB piece: the page's JS heap holds the piece, not the file.
const MAKE_BLOB = `window.makeBlob = (size) => {
  const piece = new Uint8Array(1 << 20).map((_, i) => (i * 7 + 3) & 255)
  const parts = []
  for (let left = size; left > 0; left -= piece.length) parts.push(left >= piece.length ? piece : piece.subarray(0, left))
  return new Blob(parts, { type: "application/octet-stream" })
}`

function p2pPage(room, peer, cableUrl) {
  const token = signJoinToken(SECRET, { sessionId: room, peerId: peer, expiresAt: Date.now() + 3_600_000 })
  return `<!doctype html><html><head><meta charset="utf-8"><title>${peer}</title>${importmapTag()}
<script>${MAKE_BLOB}</script>
<script type="module">
import { P2pSession } from "p2p"
const session = new P2pSession({ cableUrl: ${JSON.stringify(cableUrl)}, sessionId: ${JSON.stringify(room)}, peerId: ${JSON.stringify(peer)}, token: ${JSON.stringify(token)} })
window.bench = { files: [], latencies: [] }
session.on("file", (file) => {
  const record = { size: file.size, doneAt: 0 }
  window.bench.files.push(record)
  file.on("end", (end) => { if (end.status === "done") record.doneAt = Date.now() })
  file.blob().catch(() => {})
})
session.on("message", (message) => {
  if (message.type === "Data" && message.data && typeof message.data.ts === "number") window.bench.latencies.push(Date.now() - message.data.ts)
})
window.p2p = session
session.start()
</script></head><body></body></html>`
}

function peerjsPage(port, id, hostId) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${id}</title><script src="/peerjs.min.js"></script>
<script>${MAKE_BLOB}</script>
<script>
  window.bench = { received: 0, doneAt: 0, open: false }
  const peer = new Peer(${JSON.stringify(id)}, { host: "127.0.0.1", port: ${port}, path: "/", key: "peerjs", config: { iceServers: [] } })
  ${hostId
    ? `peer.on("open", () => {
    window.connection = peer.connect(${JSON.stringify(hostId)}, { reliable: true, serialization: "binary" })
    window.connection.on("open", () => (window.bench.open = true))
  })`
    : `peer.on("connection", (connection) => connection.on("data", (data) => {
    window.bench.received += data.byteLength ?? data.size ?? 0
    window.bench.doneAt = Date.now()
  }))`}
</script></head><body></body></html>`
}

const servers = await startBenchServers({
  secret: SECRET,
  route: (path, q, { peerjsPort, cableUrl }) => {
    if (path === "/p2p") return p2pPage(q("room"), q("peer"), cableUrl)
    if (path === "/peerjs") return peerjsPage(peerjsPort, q("id"), q("host"))
    if (path === "/blank") return `<!doctype html><title>raw</title><script>${MAKE_BLOB}</script>`
    return undefined
  },
})
const { browser, context, open } = await launchBenchBrowser(servers.baseURL)

/** Samples each page's used JS heap every 100 ms until stopped; returns the peaks in bytes. */
async function heapPeaks(pages) {
  const sessions = await Promise.all(pages.map((page) => context.newCDPSession(page)))
  const peaks = pages.map(() => 0)
  let running = true
  const loop = (async () => {
    while (running) {
      const usages = await Promise.all(sessions.map((cdp) => cdp.send("Runtime.getHeapUsage").catch(() => ({ usedSize: 0 }))))
      usages.forEach((usage, i) => (peaks[i] = Math.max(peaks[i], usage.usedSize)))
      await sleep(100)
    }
  })()
  return async () => {
    running = false
    await loop
    return peaks
  }
}

let round = 0
async function star(clients) {
  round += 1
  const room = `files${round}`
  const host = await open(`/p2p?room=${room}&peer=host`)
  await host.waitForFunction(() => window.p2p?.state === "connected", null, { timeout: 60_000 })
  const pages = []
  for (let i = 0; i < clients; i += 1) pages.push(await open(`/p2p?room=${room}&peer=c${i}`))
  const everyone = ["host", ...pages.map((_, i) => `c${i}`)]
  for (const page of [host, ...pages]) await page.waitForFunction((peers) => peers.every((peer) => window.p2p.peerStates[peer] === "connected"), everyone, { timeout: 60_000 })
  return { host, clients: pages }
}

/** sendFile from `sender`; the time until every receiver has all of it, and the peak heaps. */
async function transfer(sender, receivers, watched, { chatFrom, chatTo } = {}) {
  const stop = await heapPeaks(watched)
  const started = await sender.evaluate((size) => {
    const at = Date.now()
    window.transfer = window.p2p.sendFile(window.makeBlob(size), { name: "bench.bin" })
    window.transfer.done.then(() => (window.sentAt = Date.now()), (error) => (window.failed = error.message))
    return at
  }, SIZE)
  let chat
  if (chatFrom) chat = chatFrom.evaluate(async () => {
    while (!window.chatStop) {
      window.p2p.send({ ts: Date.now() })
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })
  await sender.waitForFunction(() => window.sentAt || window.failed, null, { timeout: 600_000, polling: 100 })
  const failed = await sender.evaluate(() => window.failed)
  if (failed) throw new Error(`the transfer failed: ${failed}`)
  const ends = await Promise.all(receivers.map((page) => page.evaluate(() => window.bench.files.at(-1)?.doneAt ?? 0)))
  const peaks = await stop()
  let latencies
  if (chatFrom) {
    await chatFrom.evaluate(() => (window.chatStop = true))
    await chat
    latencies = await chatTo.evaluate(() => window.bench.latencies.splice(0))
  }
  const seconds = (Math.max(...ends) - started) / 1000
  return { seconds, perReceiver: SIZE / seconds, peaks, latencies }
}

// 1. Host → one client.
const one = await (async () => {
  const { host, clients } = await star(1)
  const result = await transfer(host, clients, [host, clients[0]])
  await Promise.all([host, ...clients].map((page) => page.close()))
  return result
})()
console.log(`  host → one client: ${fmt(one.perReceiver / MB, 1)} MiB/s`)

// 2. Client → host → four clients, with chat from another client measured meanwhile.
const fan = await (async () => {
  const { host, clients } = await star(FAN_OUT + 1)
  const [sender, ...receivers] = clients
  const chatter = receivers.at(-1)
  // Chat latency with nothing else going on, as the reference.
  await chatter.evaluate(async () => {
    for (let i = 0; i < 100; i += 1) {
      window.p2p.send({ ts: Date.now() })
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })
  await sleep(300)
  const idle = await receivers[0].evaluate(() => window.bench.latencies.splice(0))
  const result = await transfer(sender, [host, ...receivers.slice(0, -1)], [sender, host, receivers[0]], { chatFrom: chatter, chatTo: receivers[0] })
  await Promise.all([host, ...clients].map((page) => page.close()))
  return { ...result, idle }
})()
console.log(`  client → host → ${FAN_OUT}: ${fmt(fan.perReceiver / MB, 1)} MiB/s per receiver`)

// 3. A raw RTCDataChannel between two pages: 64 KiB messages, the same buffer thresholds.
const raw = await (async () => {
  const [a, b] = [await open("/blank"), await open("/blank")]
  await rawChannelPair(a, b)
  const started = await a.evaluate(async (size) => {
    const channel = window.channel
    channel.bufferedAmountLowThreshold = 256 << 10
    const blob = window.makeBlob(size)
    const at = Date.now()
    for (let offset = 0; offset < size; offset += 65_536) {
      if (channel.bufferedAmount > 512 << 10) await new Promise((resolve) => (channel.onbufferedamountlow = resolve))
      channel.send(await blob.slice(offset, offset + 65_536).arrayBuffer())
    }
    return at
  }, SIZE)
  await b.waitForFunction((size) => window.stats.bytes >= size, SIZE, { timeout: 600_000, polling: 100 })
  const seconds = ((await b.evaluate(() => window.stats.lastAt)) - started) / 1000
  await Promise.all([a.close(), b.close()])
  return { seconds, perReceiver: SIZE / seconds }
})()
console.log(`  raw channel: ${fmt(raw.perReceiver / MB, 1)} MiB/s`)

// 4. PeerJS, `binary` serialization: one ArrayBuffer of the same size, page → page.
const peerjs = await (async () => {
  const host = await open(`/peerjs?id=bin${round}-host`)
  await sleep(300)
  const client = await open(`/peerjs?id=bin${round}-client&host=bin${round}-host`)
  await client.waitForFunction(() => window.bench.open, null, { timeout: 60_000 })
  const started = await client.evaluate(async (size) => {
    const buffer = await window.makeBlob(size).arrayBuffer()
    const at = Date.now()
    window.connection.send(buffer)
    return at
  }, SIZE)
  const ok = await host.waitForFunction((size) => window.bench.received >= size, SIZE, { timeout: 600_000, polling: 100 }).then(() => true, () => false)
  const seconds = ((await host.evaluate(() => window.bench.doneAt)) - started) / 1000
  await Promise.all([host.close(), client.close()])
  return ok ? { seconds, perReceiver: SIZE / seconds } : { seconds: NaN, perReceiver: NaN }
})()
console.log(`  PeerJS binary: ${fmt(peerjs.perReceiver / MB, 1)} MiB/s`)

await browser.close()
await servers.close()

const mib = (bytes) => fmt(bytes / MB, 1)
console.log("\n## results")
console.log(`\nA ${fmt(SIZE / MB)} MiB file (MiB/s per receiver, higher is better), against a raw RTCDataChannel between two pages (64 KiB messages) and PeerJS \`binary\` mode (one ArrayBuffer, page → page)`)
console.log(table(["path", "seconds", "MiB/s per receiver", "÷ raw channel"], [
  ["p2p sendFile, host → 1 client", fmt(one.seconds, 2), mib(one.perReceiver), ratio(one.perReceiver, raw.perReceiver)],
  [`p2p sendFile, client → host and ${FAN_OUT} other clients`, fmt(fan.seconds, 2), mib(fan.perReceiver), ratio(fan.perReceiver, raw.perReceiver)],
  ["raw RTCDataChannel, page → page", fmt(raw.seconds, 2), mib(raw.perReceiver), "1.00×"],
  ["PeerJS binary, page → page", fmt(peerjs.seconds, 2), mib(peerjs.perReceiver), ratio(peerjs.perReceiver, raw.perReceiver)],
]))
console.log(`\nPeak JS heap during the transfer (MiB; the file itself lives in Blob storage, outside the heap)`)
console.log(table(["transfer", "sender", "host", "receiver"], [
  ["host → 1 client", mib(one.peaks[0]), "(sender)", mib(one.peaks[1])],
  [`client → host and ${FAN_OUT} other clients`, mib(fan.peaks[0]), mib(fan.peaks[1]), mib(fan.peaks[2])],
]))
console.log(`\nChat latency (ms) from one client to another through the host: idle, and while the ${fmt(SIZE / MB)} MiB file goes to everyone`)
console.log(table(["while", "messages", "p50", "p99", "max"], [
  ["idle", String(fan.idle.length), fmt(median(fan.idle), 1), fmt(percentile(fan.idle, 99), 1), fmt(Math.max(...fan.idle), 1)],
  ["a transfer runs", String(fan.latencies.length), fmt(median(fan.latencies), 1), fmt(percentile(fan.latencies, 99), 1), fmt(Math.max(...fan.latencies), 1)],
]))
if (values.json) writeFileSync(values.json, JSON.stringify({ size: SIZE, fanOut: FAN_OUT, one, fan, raw, peerjs }, null, 2))
process.exit(0)
