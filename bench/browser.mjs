// Browser benchmarks in headless Chromium on loopback: time to connected (vs PeerJS building the
// same star, and with a Firefox host or Firefox clients), relay throughput and latency through the host (vs a raw RTCDataChannel between two
// pages), and healing after the host leaves or crashes.
// Run: npm run bench:browser   (options: --quick, --json FILE)
import { writeFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { enterLoopbackNamespace, launchBenchBrowser, newBenchContext, rawChannelPair, startBenchServers } from "./lib/browserBench.mjs"
import { launchFirefox } from "../scripts/launch-firefox.mjs"
import { enginePages } from "./lib/enginePages.mjs"
import { noLibraryPage, p2pPage, peerjsPage } from "./pages/benchPages.mjs"
import { PHASE_ORDER, PHASE_RECORDER } from "./pages/phases.mjs"
import { fmt, median, percentile, ratio, sleep } from "./lib/stats.mjs"
import { table } from "./lib/table.mjs"

enterLoopbackNamespace()

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, smoke: { type: "boolean", default: false }, json: { type: "string" } } })
const smoke = values.smoke
const quick = values.quick || smoke
const SECRET = "bench-secret-0123456789"
// The signaling server (and the page's own) this far away, one way, for the "far" star.
const FAR_MS = 25
// The default heartbeat for connecting and relaying; a quick one for healing, which it bounds.
const CONFIG = {}
const HEALING_CONFIG = { heartbeat: { interval_mls: 250, idle_timeout_mls: 1000 } }
// Both signaling servers in a process of their own; our modules and the pages from this one.
const servers = await startBenchServers({
  secret: SECRET,
  farMs: FAR_MS,
  route: (path, q, { peerjsPort, cableUrl, relayUrl }) => {
    if (path === "/p2p") return p2pPage({ secret: SECRET, room: q("room"), peer: q("peer"), config: q("heal") ? HEALING_CONFIG : CONFIG, cableUrl })
    if (path === "/peerjs") return peerjsPage({ port: peerjsPort, id: q("id"), hostId: q("host") })
    if (path === "/floor") return noLibraryPage({ relayUrl, id: q("id"), hostId: q("host") })
    if (path === "/blank") return "<!doctype html><title>raw</title>"
    return undefined
  },
})
const { browser, context, open } = await launchBenchBrowser(servers.baseURL)
await context.addInitScript(PHASE_RECORDER)
const connected = (page) => page.waitForFunction(() => window.__bench?.connectedAt, null, { timeout: 60_000 })
const bench = (page) => page.evaluate(() => ({ ...window.__bench, origin: performance.timeOrigin, host: document.querySelector("p2p-frame")?.hostPeerId, state: document.querySelector("p2p-frame")?.state }))
let round = 0

/** The page of a star's host (`peer` undefined) or of its client `peer`; `origin` "" is the near one. */
function starPage(kind, room, peer, extra, origin = "") {
  if (kind === "p2p") return `${origin}/p2p?room=${room}&peer=${peer ?? "host"}${extra}`
  return peer === undefined ? `${origin}/${kind}?id=${room}-host` : `${origin}/${kind}?id=${room}-${peer}&host=${room}-host`
}

/**
 * A host and `n` clients (`kind`: p2p, peerjs or floor); returns the pages and the clients' times to
 * connected. `origin`: where the pages (and so the servers) are reached from; default the near one.
 */
async function star(kind, n, extra = "", origin = "") {
  round += 1
  const room = `${kind}${round}`
  // Near, the pages share one profile (warm caches). Far, each has a profile of its own, as users on
  // their own machines do: Chromium opens one WebSocket at a time to a server from one profile, so
  // the clients' handshakes, each a round trip or two long, would otherwise wait for one another.
  const newPage = origin ? () => ownProfilePage() : () => context.newPage()
  const host = await newPage()
  await host.goto(starPage(kind, room, undefined, extra, origin))
  await connected(host)
  // The tabs are opened first and then all navigate at once: the clock measures the pages joining,
  // not Chromium starting renderer processes (which took ~0.3 s for five tabs here, for either kind).
  const clients = await Promise.all(Array.from({ length: n }, newPage))
  const started = Date.now()
  await Promise.all(clients.map((page, i) => page.goto(starPage(kind, room, `c${i}`, extra, origin))))
  await Promise.all(clients.map(connected))
  const views = await Promise.all(clients.map(bench))
  const phases = await Promise.all(clients.map((page) => page.evaluate(() => window.__phases)))
  return {
    host,
    clients,
    phases,
    perClient: views.map((view) => view.connectedAt - view.origin),
    all: Math.max(...views.map((view) => view.connectedAt)) - started,
  }
}

async function closeAll(pages) {
  await Promise.all(pages.map((page) => (page.context() === context ? page.close() : page.context().close()).catch(() => {})))
}

/** A page in a fresh profile of its own (its own caches and sockets), recording its steps. */
async function ownProfilePage() {
  const own = await newBenchContext(browser, servers.baseURL)
  await own.addInitScript(PHASE_RECORDER)
  return own.newPage()
}

// 1. Time to connected: ours, PeerJS, and the same star with no library (the floor). One small star
// of each kind first, not counted: the servers and the browser run their code paths once (JIT,
// caches), so no kind is measured cold. The kinds take turns, run by run, so that a busy stretch of
// the machine falls on all of them alike.
const KINDS = ["p2p", "peerjs", "floor"]

/** One small star of each kind from `origin`, not counted. */
async function warmUp(origin = "") {
  for (const kind of KINDS) {
    const warm = await star(kind, 2, "", origin)
    await closeAll([warm.host, ...warm.clients])
  }
}

/** `runCount` stars of `n` clients of each kind, taking turns; per kind the medians, the worst client and the step medians. */
async function compareStars(n, runCount, origin = "") {
  const runs = Object.fromEntries(KINDS.map((kind) => [kind, []]))
  for (let run = 0; run < runCount; run += 1) {
    for (const kind of KINDS) {
      const result = await star(kind, n, "", origin)
      runs[kind].push(result)
      await closeAll([result.host, ...result.clients])
    }
  }
  return Object.fromEntries(KINDS.map((kind) => {
    const perClient = runs[kind].flatMap((run) => run.perClient)
    const phases = Object.fromEntries(PHASE_ORDER.map((phase) => [phase, median(runs[kind].flatMap((run) => run.phases.map((seen) => seen[phase]).filter((at) => at !== undefined)))]))
    return [kind, { median: median(perClient), max: Math.max(...perClient), all: median(runs[kind].map((run) => run.all)), phases }]
  }))
}

await warmUp()
const sizes = smoke ? [2] : quick ? [5] : [5, 10, 20]
const connectTimes = {}
for (const n of sizes) {
  // The slowest client decides "all", and one busy moment moves it: more runs for the small stars.
  connectTimes[n] = await compareStars(n, quick ? 1 : n <= 5 ? 6 : n <= 10 ? 4 : 2)
  for (const kind of KINDS) console.log(`  ${kind} 1 + ${n}: median ${fmt(connectTimes[n][kind].median)} ms`)
}

// 1b. The same with the servers FAR_MS away (the peers still on one network: WebRTC on loopback),
// where the round trips each design needs show; warmed the same way first.
const FAR_CLIENTS = smoke ? 2 : 5
await warmUp(servers.farBaseURL)
const far = { clients: FAR_CLIENTS, oneWayMs: FAR_MS, ...(await compareStars(FAR_CLIENTS, quick ? 1 : 4, servers.farBaseURL)) }
for (const kind of KINDS) console.log(`  ${kind} 1 + ${FAR_CLIENTS}, servers ${FAR_MS} ms away: median ${fmt(far[kind].median)} ms`)

// 1c. The same star across engines: a Firefox host with Chromium clients and the reverse, against
// Chromium alone in the same run, the three taking turns run by run.
const ENGINE_MIXES = [["chromium", "chromium"], ["firefox", "chromium"], ["chromium", "firefox"]]
const ENGINE_CLIENTS = smoke ? 2 : 5
const firefox = await launchFirefox()
const openIn = enginePages({ chromiumContext: context, firefox })

/** A host of `hostEngine` and `n` clients of `clientEngine`: the clients' times to connected, as in `star`. */
async function engineStar(hostEngine, clientEngine, n) {
  round += 1
  const room = `engines${round}`
  const isConnected = () => window.__bench?.connectedAt !== undefined
  const host = await openIn(hostEngine)
  await host.goto(`${servers.baseURL}/p2p?room=${room}&peer=host`)
  await host.waitFor(isConnected)
  const clients = await Promise.all(Array.from({ length: n }, () => openIn(clientEngine)))
  const started = Date.now()
  await Promise.all(clients.map((page, i) => page.goto(`${servers.baseURL}/p2p?room=${room}&peer=c${i}`)))
  await Promise.all(clients.map((page) => page.waitFor(isConnected)))
  const views = await Promise.all(clients.map((page) => page.evaluate(() => ({ connectedAt: window.__bench.connectedAt, origin: performance.timeOrigin }))))
  await Promise.all([host, ...clients].map((page) => page.close()))
  return { perClient: views.map((view) => view.connectedAt - view.origin), all: Math.max(...views.map((view) => view.connectedAt)) - started }
}

const engineRuns = ENGINE_MIXES.map(() => [])
for (const [hostEngine, clientEngine] of ENGINE_MIXES) await engineStar(hostEngine, clientEngine, 2) // warm-up, not counted
for (let run = 0; run < (quick ? 1 : 4); run += 1) {
  for (const [i, [hostEngine, clientEngine]] of ENGINE_MIXES.entries()) engineRuns[i].push(await engineStar(hostEngine, clientEngine, ENGINE_CLIENTS))
}
await firefox.close()
const engines = ENGINE_MIXES.map(([host, clients], i) => {
  const perClient = engineRuns[i].flatMap((run) => run.perClient)
  return { host, clients, median: median(perClient), max: Math.max(...perClient), all: median(engineRuns[i].map((run) => run.all)) }
})
for (const row of engines) console.log(`  ${row.host} host + ${ENGINE_CLIENTS} ${row.clients} clients: median ${fmt(row.median)} ms`)

// 2. Relay through the host, against a raw data channel between two pages.
const MESSAGES = smoke ? 50 : quick ? 500 : 2000
const SIZE = 1024
const relayClients = smoke ? 2 : 5
const relay = await (async () => {
  const { host, clients } = await star("p2p", relayClients)
  const receivers = [host, ...clients]
  const reset = () => Promise.all(receivers.map((page) => page.evaluate(() => Object.assign(window.__bench, { count: 0, bytes: 0, lastAt: 0, latencies: [] }))))
  const blast = async (sender) => {
    await reset()
    const started = await sender.evaluate(({ count, size }) => {
      const frame = document.querySelector("p2p-frame")
      const payload = "x".repeat(size)
      const at = Date.now()
      for (let i = 0; i < count; i += 1) frame.send(payload)
      return at
    }, { count: MESSAGES, size: SIZE })
    // Everything sent must arrive; if not within a minute, say how much did.
    await Promise.all(receivers.map((page) => page.waitForFunction((count) => window.__bench.count >= count, MESSAGES, { timeout: 60_000 }).catch(() => {})))
    const views = await Promise.all(clients.map(bench))
    const delivered = views.reduce((sum, view) => sum + Math.min(view.count, MESSAGES), 0) / (MESSAGES * clients.length)
    const seconds = (Math.max(...views.map((view) => view.lastAt)) - started) / 1000
    return { delivered, perClientBytes: (MESSAGES * SIZE * delivered) / seconds, aggregateBytes: (MESSAGES * SIZE * clients.length * delivered) / seconds }
  }
  const fanOut = await blast(host)
  const throughHost = await blast(clients[0])
  await reset()
  await clients[0].evaluate(async (count) => {
    const frame = document.querySelector("p2p-frame")
    for (let i = 0; i < count; i += 1) {
      frame.send(`ts=${Date.now()} latency probe`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }, 200)
  await clients[1].waitForFunction(() => window.__bench.latencies.length >= 200, null, { timeout: 30_000 })
  const latencies = (await bench(clients[1])).latencies
  await closeAll(receivers)
  return { fanOut, throughHost, latency: { p50: median(latencies), p99: percentile(latencies, 99) } }
})()

const raw = await (async () => {
  const [a, b] = [await open("/blank"), await open("/blank")]
  await rawChannelPair(a, b)
  const started = await a.evaluate(async ({ count, size }) => {
    const channel = window.channel
    channel.bufferedAmountLowThreshold = 256 << 10
    const payload = "x".repeat(size)
    const at = Date.now()
    for (let i = 0; i < count; i += 1) {
      if (channel.bufferedAmount > 1 << 20) await new Promise((resolve) => (channel.onbufferedamountlow = resolve))
      channel.send(payload)
    }
    return at
  }, { count: MESSAGES, size: SIZE })
  await b.waitForFunction((count) => window.stats.count >= count, MESSAGES, { timeout: 60_000 })
  const seconds = ((await b.evaluate(() => window.stats.lastAt)) - started) / 1000
  await a.evaluate(async (count) => {
    for (let i = 0; i < count; i += 1) {
      window.channel.send(`ts=${Date.now()} latency probe`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }, 200)
  await b.waitForFunction(() => window.stats.latencies.length >= 200, null, { timeout: 30_000 })
  const latencies = await b.evaluate(() => window.stats.latencies)
  await closeAll([a, b])
  return { bytes: (MESSAGES * SIZE) / seconds, latency: { p50: median(latencies), p99: percentile(latencies, 99) } }
})()
console.log(`  relay: fan-out ${fmt(relay.fanOut.aggregateBytes / 2 ** 20, 1)} MiB/s, raw ${fmt(raw.bytes / 2 ** 20, 1)} MiB/s`)

// 3. Healing: from the host leaving (tab closed) or crashing to every client on a new host.
async function heal(how) {
  const { host, clients } = await star("p2p", relayClients, "&heal=1")
  const at = Date.now()
  if (how === "close") await host.close({ runBeforeUnload: true })
  else {
    const cdp = await context.newCDPSession(host)
    cdp.send("Page.crash").catch(() => {})
  }
  for (;;) {
    const views = await Promise.all(clients.map(bench))
    const hosts = new Set(views.map((view) => view.host))
    if (hosts.size === 1 && !hosts.has("host") && !hosts.has(undefined) && views.every((view) => view.state === "connected" && view.lastConnectedAt >= at)) {
      await closeAll([host, ...clients])
      return Math.max(...views.map((view) => view.lastConnectedAt)) - at
    }
    if (Date.now() - at > 30_000) throw new Error(`no healing after ${how}: ${JSON.stringify(views)}`)
    await sleep(20)
  }
}
const healing = {}
for (const how of ["close", "crash"]) {
  const runs = []
  for (let run = 0; run < (quick ? 1 : 5); run += 1) runs.push(await heal(how))
  healing[how] = { median: median(runs), worst: Math.max(...runs), runs }
  console.log(`  heal after host ${how}: median ${fmt(healing[how].median)} ms`)
}

await browser.close()
await servers.close()

console.log("\n## results")
console.log("\nTime to connected, 1 host + N clients (ms, lower is better): per client from navigation start, and all clients from the moment every tab begins to navigate; \"no library\" is the same star built by an inline script with no library (the floor)")
console.log(table(["clients", "p2p median", "p2p max", "p2p all", "PeerJS median", "PeerJS max", "PeerJS all", "no library median", "no library all", "p2p ÷ PeerJS (all)", "no library ÷ PeerJS (all)"], sizes.map((n) => {
  const { p2p, peerjs, floor } = connectTimes[n]
  return [String(n), fmt(p2p.median), fmt(p2p.max), fmt(p2p.all), fmt(peerjs.median), fmt(peerjs.max), fmt(peerjs.all), fmt(floor.median), fmt(floor.all), ratio(p2p.all, peerjs.all), ratio(floor.all, peerjs.all)]
})))
const firstSize = sizes[0]
const stepsSeen = PHASE_ORDER.filter((phase) => KINDS.some((kind) => !Number.isNaN(connectTimes[firstSize][kind].phases[phase])))
console.log(`\nWhere a client's time goes, 1 host + ${firstSize} clients: median ms from navigation start at which each step happened (recorded by wrapping the page's WebSocket and RTCPeerConnection, the same for all three). A PeerJS client and a no-library client offer to their host; ours answers the host's offer.`)
console.log(table(["step", "p2p-streams-channel", "PeerJS", "no library"], stepsSeen.map((phase) => [phase, ...KINDS.map((kind) => fmt(connectTimes[firstSize][kind].phases[phase]))])))
console.log(`\nTime to connected with the servers ${FAR_MS} ms away (${2 * FAR_MS} ms round trip, and one more to open a connection), 1 host + ${FAR_CLIENTS} clients (ms, lower is better): the pages, their modules and the signaling servers are reached through a proxy that delays every chunk; the peers stay on one network (WebRTC on loopback); each page has a browser profile of its own, caches cold, as on the users' own machines`)
console.log(table(["kind", "median", "max", "all", "÷ PeerJS (median)", "÷ PeerJS (all)"], [["p2p-streams-channel", "p2p"], ["PeerJS", "peerjs"], ["no library", "floor"]].map(([label, kind]) => [label, fmt(far[kind].median), fmt(far[kind].max), fmt(far[kind].all), ratio(far[kind].median, far.peerjs.median), ratio(far[kind].all, far.peerjs.all)])))
const farSteps = PHASE_ORDER.filter((phase) => KINDS.some((kind) => !Number.isNaN(far[kind].phases[phase])))
console.log(`\nWhere a client's time goes with the servers ${FAR_MS} ms away, 1 host + ${FAR_CLIENTS} clients: median ms from navigation start`)
console.log(table(["step", "p2p-streams-channel", "PeerJS", "no library"], farSteps.map((phase) => [phase, ...KINDS.map((kind) => fmt(far[kind].phases[phase]))])))
const engineName = { chromium: "Chromium", firefox: "Firefox" }
console.log(`\nTime to connected across browser engines, 1 host + ${ENGINE_CLIENTS} clients (ms, lower is better; p2p-streams-channel, servers near): Firefox ESR through WebDriver BiDi, each page a window of its own; Chromium alone is the reference, measured in the same run`)
console.log(table(["host", "clients", "median", "max", "all", "÷ Chromium alone (all)"], engines.map((row) => [engineName[row.host], engineName[row.clients], fmt(row.median), fmt(row.max), fmt(row.all), ratio(row.all, engines[0].all)])))
console.log(`\nRelay through the host, ${relayClients} clients, ${fmt(MESSAGES)} × ${SIZE} B messages (MiB/s, higher is better), against a raw RTCDataChannel between two pages`)
console.log(table(["path", "per receiver", "aggregate", "÷ raw channel", "delivered"], [
  ["host → every client (fan-out)", fmt(relay.fanOut.perClientBytes / 2 ** 20, 1), fmt(relay.fanOut.aggregateBytes / 2 ** 20, 1), ratio(relay.fanOut.aggregateBytes, raw.bytes), `${fmt(relay.fanOut.delivered * 100, 1)}%`],
  ["client → host → everyone", fmt(relay.throughHost.perClientBytes / 2 ** 20, 1), fmt(relay.throughHost.aggregateBytes / 2 ** 20, 1), ratio(relay.throughHost.aggregateBytes, raw.bytes), `${fmt(relay.throughHost.delivered * 100, 1)}%`],
  ["raw RTCDataChannel, page → page", fmt(raw.bytes / 2 ** 20, 1), fmt(raw.bytes / 2 ** 20, 1), "1.00×", "100%"],
]))
console.log("\nMessage latency (ms): client → host → client, against page → page on a raw channel")
console.log(table(["path", "p50", "p99"], [
  ["client → host → client", fmt(relay.latency.p50, 1), fmt(relay.latency.p99, 1)],
  ["raw RTCDataChannel", fmt(raw.latency.p50, 1), fmt(raw.latency.p99, 1)],
]))
console.log(`\nHealing with ${relayClients} clients (ms from the host going to every client connected to the new host; heartbeat ${HEALING_CONFIG.heartbeat.interval_mls}/${HEALING_CONFIG.heartbeat.idle_timeout_mls} ms). PeerJS has no equivalent: its clients stay disconnected.`)
console.log(table(["host", "median", "worst", "runs"], ["close", "crash"].map((how) => [how === "close" ? "tab closed" : "renderer crashed", fmt(healing[how].median), fmt(healing[how].worst), healing[how].runs.map((ms) => fmt(ms)).join(", ")])))
if (values.json) writeFileSync(values.json, JSON.stringify({ measuredAt: new Date().toISOString(), connectTimes, far, engines, engineClients: ENGINE_CLIENTS, relay, raw, healing, sizes, messages: MESSAGES, size: SIZE, relayClients, healingHeartbeat: HEALING_CONFIG.heartbeat }, null, 2))
process.exit(0)
