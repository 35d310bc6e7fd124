// Signaling benchmarks: idle memory per connection, relay rate and latency, join latency — for
// p2p-streams-channel and, in the same run, its Rails gem, a plain ws relay, peerjs-server and a
// bare Rails ActionCable relay.
// Run: npm run bench:signaling   (options: --quick, --only p2p,ws, --json FILE)
import { writeFileSync } from "node:fs"
import { performance } from "node:perf_hooks"
import { parseArgs } from "node:util"
import { ENDPOINTS } from "./clients/endpoints.mjs"
import { reexecPinned } from "./lib/pin.mjs"
import { fmt, median, percentile, ratio, sleep } from "./lib/stats.mjs"
import { table } from "./lib/table.mjs"
import { freePort, SERVERS, startServer } from "./servers/start.mjs"

if (reexecPinned(1)) process.exit()

const { values } = parseArgs({
  options: { quick: { type: "boolean", default: false }, smoke: { type: "boolean", default: false }, only: { type: "string" }, json: { type: "string" } },
})
const smoke = values.smoke
const SERVER_CORE = 0
const quick = values.quick
const names = (values.only?.split(",") ?? Object.keys(SERVERS)).filter((name) => {
  const available = SERVERS[name].available?.() ?? true
  if (!available) console.log(`note: ${SERVERS[name].label} skipped: Debian's ruby-rails and puma are not installed (apt-get install -y ruby-rails puma)`)
  return available
})
const CANDIDATE = "candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 10.0.0.2 rport 46154 generation 0 ufrag sY2f network-cost 999"
async function withServer(name, work) {
  const port = await freePort()
  const server = await startServer(name, port, SERVER_CORE)
  try {
    return await work(server, port)
  } finally {
    await server.stop()
  }
}

/** Opens `count` endpoints, `batch` at a time. */
async function openMany(name, port, count, make, batch = 250) {
  const endpoints = []
  for (let start = 0; start < count; start += batch) {
    const group = Array.from({ length: Math.min(batch, count - start) }, (_, i) => make(start + i))
    await Promise.all(group.map((endpoint) => endpoint.ready))
    endpoints.push(...group)
  }
  return endpoints
}

async function closeAll(endpoints) {
  for (const endpoint of endpoints) endpoint.close()
  await Promise.all(endpoints.map((endpoint) => endpoint.closed))
}

// 1. Idle connections: resident memory per subscribed connection.
async function idleMemory(name, counts) {
  const Endpoint = ENDPOINTS[name]
  const results = {}
  for (const count of counts) {
    results[count] = await withServer(name, async (server, port) => {
      // Warm the server up with a few connections so one-off allocations are not charged per connection.
      await closeAll(await openMany(name, port, 50, (i) => new Endpoint(port, `warm${i}`, "p")))
      await sleep(1000)
      const before = server.rss()
      const started = performance.now()
      const endpoints = await openMany(name, port, count, (i) => new Endpoint(port, `idle${i}`, "p"))
      const openSeconds = (performance.now() - started) / 1000
      await sleep(2000)
      const after = server.rss()
      await closeAll(endpoints)
      return { bytesPerConnection: (after - before) / count, rssMiB: after / 2 ** 20, openPerSecond: count / openSeconds }
    })
    console.log(`  ${name} ${count} idle: ${fmt(results[count].bytesPerConnection / 1024, 1)} KB/connection`)
  }
  return results
}

/** Connected pairs (a host and a client per session), joined where the protocol has joins. */
async function pairs(name, port, count) {
  const Endpoint = ENDPOINTS[name]
  const hosts = await openMany(name, port, count, (i) => new Endpoint(port, `relay${i}`, "host"))
  const clients = await openMany(name, port, count, (i) => new Endpoint(port, `relay${i}`, "client"))
  if (name === "p2p" || name === "gem") {
    await Promise.all(hosts.map((host) => host.join()))
    await Promise.all(clients.map((client) => client.join()))
  }
  return hosts.map((host, i) => ({ from: host, to: clients[i] }))
}

// 2. Relay: the most messages per second through the server, and one-way latency. Every server is
// started and linked first; then their trials take turns, one server under load at a time, so that a
// busy stretch of the machine falls on all of them alike.
async function relayRig(name, { pairCount = 20, window = 32 } = {}) {
  const port = await freePort()
  const server = await startServer(name, port, SERVER_CORE)
  const links = await pairs(name, port, pairCount)
  const run = async (mode, seconds, moderateRate) => {
    let delivered = 0
    const latencies = []
    let running = true
    for (const link of links) {
      link.inFlight = 0
      link.to.onPayload((payload) => {
        delivered += 1
        link.inFlight -= 1
        latencies.push(performance.now() - Number(payload.slice(3)))
        if (mode === "max" && running) pump(link)
      })
    }
    const send = (link) => {
      link.inFlight += 1
      link.from.send("client", `ts=${performance.now()} ${CANDIDATE}`)
    }
    const pump = (link) => {
      while (link.inFlight < window) send(link)
    }
    const started = performance.now()
    const cpuBefore = server.cpuSeconds()
    let timer
    if (mode === "max") links.forEach(pump)
    else {
      // A steady `moderateRate` messages/s over all links, sent every 10 ms.
      let sent = 0
      timer = setInterval(() => {
        const due = Math.floor(((performance.now() - started) / 1000) * moderateRate) - sent
        for (let i = 0; i < due; i += 1) send(links[(sent + i) % links.length])
        sent += due
      }, 10)
    }
    await sleep(seconds * 1000)
    running = false
    clearInterval(timer)
    const elapsed = (performance.now() - started) / 1000
    const cpu = server.cpuSeconds() - cpuBefore
    await sleep(500)
    return {
      perSecond: delivered / elapsed,
      // How busy the server was, and how much it relays per second of its own CPU: a measure of its
      // cost that holds even when the one-core load generator is what limits the rate.
      serverCpu: cpu / elapsed,
      perCpuSecond: delivered / cpu,
      p50: median(latencies),
      p99: percentile(latencies, 99),
    }
  }
  return {
    run,
    async close() {
      await closeAll(links.flatMap((link) => [link.from, link.to]))
      await server.stop()
    },
  }
}

/** The relay of every server in `names`: the median of `trials` turns at the maximum rate, then one at `moderateRate`. */
async function relayAll(names, { seconds, trials, moderateRate }) {
  const rigs = {}
  try {
    for (const name of names) rigs[name] = await relayRig(name)
    for (const name of names) await rigs[name].run("max", 1) // warm-up: JIT, buffers
    const runs = Object.fromEntries(names.map((name) => [name, []]))
    for (let trial = 0; trial < trials; trial += 1) for (const name of names) runs[name].push(await rigs[name].run("max", seconds))
    const results = {}
    for (const name of names) {
      const max = runs[name].sort((x, y) => x.perSecond - y.perSecond)[Math.floor(trials / 2)]
      const moderate = await rigs[name].run("moderate", seconds, moderateRate)
      console.log(`  ${name} relay: ${fmt(max.perSecond)} msg/s; at ${moderateRate}/s p50 ${fmt(moderate.p50, 2)} ms`)
      results[name] = { max, moderate }
    }
    return results
  } finally {
    for (const rig of Object.values(rigs)) await rig.close()
  }
}

// 3. Join latency: fresh connections joining fresh sessions at `rate` per second.
async function joins(name, { rate, seconds }) {
  const Endpoint = ENDPOINTS[name]
  return withServer(name, async (_server, port) => {
    const total = rate * seconds
    const connectToReady = []
    const joinToReady = []
    const endpoints = []
    const pending = []
    const started = performance.now()
    let opened = 0
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate)) - opened
        for (let i = 0; i < due; i += 1) {
          const t0 = performance.now()
          const endpoint = new Endpoint(port, `join${opened + i}`, "host", { joinWithSubscription: true })
          endpoints.push(endpoint)
          pending.push(endpoint.ready.then(async () => {
            await endpoint.join()
            const t2 = performance.now()
            connectToReady.push(t2 - t0)
            joinToReady.push(t2 - (endpoint.joinSentAt ?? t2))
          }))
        }
        opened += due
        if (opened >= total) {
          clearInterval(timer)
          resolve()
        }
      }, 5)
    })
    await Promise.all(pending)
    const achieved = total / ((performance.now() - started) / 1000)
    await closeAll(endpoints)
    const result = {
      achievedPerSecond: achieved,
      connect: { p50: median(connectToReady), p99: percentile(connectToReady, 99) },
      join: { p50: median(joinToReady), p99: percentile(joinToReady, 99) },
    }
    console.log(`  ${name} joins: connect→ready p50 ${fmt(result.connect.p50, 2)} ms`)
    return result
  })
}

const counts = smoke ? [100] : quick ? [1000] : [1000, 5000, 10000]
const results = { counts, servers: {} }
for (const name of names) {
  console.log(`${SERVERS[name].label}:`)
  const serverCounts = name === "p2p" && !quick && !smoke ? [...counts, 19000] : counts
  results.servers[name] = {
    label: SERVERS[name].label,
    idle: await idleMemory(name, serverCounts),
    joins: await joins(name, { rate: smoke ? 200 : 1000, seconds: smoke ? 1 : quick ? 2 : 3 }),
  }
}
console.log("relay, the servers taking turns:")
const relays = await relayAll(names, { seconds: smoke ? 0.3 : quick ? 1 : 2, trials: smoke ? 1 : quick ? 3 : 5, moderateRate: 2000 })
for (const name of names) results.servers[name].relay = relays[name]

const ours = results.servers.p2p
console.log("\n## results")
const rows = (pick, digits = 0) => names.map((name) => {
  const value = pick(results.servers[name])
  return [results.servers[name].label, fmt(value, digits), name === "p2p" ? "1.00×" : ratio(pick(ours), value)]
})
console.log("\nIdle memory per subscribed connection (KB, lower is better; target ≤ 10 KB)")
console.log(table(["server", ...counts.map((c) => `${fmt(c)} conns`), "p2p ÷ server"], names.map((name) => [
  results.servers[name].label,
  ...counts.map((count) => fmt(results.servers[name].idle[count]?.bytesPerConnection / 1024, 1)),
  name === "p2p" ? "1.00×" : ratio(ours.idle[counts.at(-1)]?.bytesPerConnection, results.servers[name].idle[counts.at(-1)]?.bytesPerConnection),
])))
if (ours.idle[19000]) console.log(`\np2p-streams-channel at 19,000 connections: ${fmt(ours.idle[19000].bytesPerConnection / 1024, 1)} KB each (the hard ulimit -n here is 20,000 per process)`)
console.log("\nRelay rate, ICE-candidate-sized messages peer to peer (higher is better; targets ≥ 0.9× ws, ≥ 1× peerjs, ≥ 30× Rails)")
console.log(table(["server", "msg/s", "p2p ÷ server", "server CPU", "msg per server CPU-second", "p2p ÷ server"], names.map((name) => {
  const { max } = results.servers[name].relay
  const same = name === "p2p"
  return [results.servers[name].label, fmt(max.perSecond), same ? "1.00×" : ratio(ours.relay.max.perSecond, max.perSecond), `${fmt(max.serverCpu * 100)}%`, fmt(max.perCpuSecond), same ? "1.00×" : ratio(ours.relay.max.perCpuSecond, max.perCpuSecond)]
})))
console.log("\nOne-way relay latency (ms): at 2,000 msg/s, and at the maximum rate")
console.log(table(["server", "p50 @2k/s", "p99 @2k/s", "p50 @max", "p99 @max"], names.map((name) => {
  const { moderate, max } = results.servers[name].relay
  return [results.servers[name].label, fmt(moderate.p50, 2), fmt(moderate.p99, 2), fmt(max.p50, 2), fmt(max.p99, 2)]
})))
const joinRate = smoke ? 200 : 1000
console.log(`\nJoining ${fmt(joinRate)} sessions/s: latency (ms) from opening the socket to being in the session, and from the join request to the answer (p2p-streams-channel and its gem join with the subscription, as the browser client does: subscribe → SessionReady; the others: join → ready; peerjs-server has no join step: it registers on connect)`)
console.log(table(["server", "achieved/s", "connect→ready p50", "p99", "join→ready p50", "p99"], names.map((name) => {
  const { achievedPerSecond, connect, join } = results.servers[name].joins
  const noJoin = name === "peerjs"
  return [results.servers[name].label, fmt(achievedPerSecond), fmt(connect.p50, 2), fmt(connect.p99, 2), noJoin ? "—" : fmt(join.p50, 2), noJoin ? "—" : fmt(join.p99, 2)]
})))
if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2))
