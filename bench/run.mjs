// `npm run bench`: every benchmark, then docs/benchmarks.md and docs/benchmarks.svg with the results,
// the machine, the versions, the date and the command. Raw results stay in bench/results/;
// `node bench/run.mjs --report-only` rewrites the page from them without measuring again.
import { spawn } from "node:child_process"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { barChart } from "./lib/chart.mjs"
import { machine } from "./lib/machine.mjs"
import { verdicts } from "./lib/verdicts.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))
const results = `${root}bench/results`
mkdirSync(results, { recursive: true })

function run(script, json) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${root}bench/${script}`, "--json", json], { stdio: ["ignore", "pipe", "inherit"] })
    let output = ""
    child.stdout.on("data", (chunk) => {
      output += chunk
      process.stdout.write(chunk)
    })
    child.on("exit", (code) => (code === 0 ? resolve(output.split("## results\n")[1]?.trim() ?? "") : reject(new Error(`${script} exited with ${code}`))))
  })
}

const reportOnly = process.argv.includes("--report-only")
if (!reportOnly) {
  writeFileSync(`${results}/machine.json`, JSON.stringify(machine(), null, 2))
  writeFileSync(`${results}/signaling.txt`, await run("signaling.mjs", `${results}/signaling.json`))
  writeFileSync(`${results}/browser.txt`, await run("browser.mjs", `${results}/browser.json`))
  writeFileSync(`${results}/files.txt`, await run("files.mjs", `${results}/files.json`))
  writeFileSync(`${results}/media.txt`, await run("media.mjs", `${results}/media.json`))
}
const signalingTables = readFileSync(`${results}/signaling.txt`, "utf8")
const browserTables = readFileSync(`${results}/browser.txt`, "utf8")
const filesTables = readFileSync(`${results}/files.txt`, "utf8")
const files = JSON.parse(readFileSync(`${results}/files.json`, "utf8"))
const mediaTables = readFileSync(`${results}/media.txt`, "utf8")
const signaling = JSON.parse(readFileSync(`${results}/signaling.json`, "utf8"))
const browser = JSON.parse(readFileSync(`${results}/browser.json`, "utf8"))
const info = JSON.parse(readFileSync(`${results}/machine.json`, "utf8"))

const servers = Object.entries(signaling.servers)
const biggest = signaling.counts.at(-1)
const svg = barChart([
  { title: "Relay: messages per second of server CPU (higher is better)", unit: "msg/CPU-s", bars: servers.map(([name, s]) => ({ label: s.label, value: s.relay.max.perCpuSecond, ours: name === "p2p" })) },
  { title: `Memory per idle subscribed connection at ${biggest.toLocaleString("en-US")} (lower is better)`, unit: "KB", bars: servers.map(([name, s]) => ({ label: s.label, value: s.idle[biggest].bytesPerConnection / 1024, text: `${(s.idle[biggest].bytesPerConnection / 1024).toFixed(1)} KB`, ours: name === "p2p" })) },
  { title: "Browser: all clients connected, 1 host + N clients (ms, lower is better)", unit: "ms", bars: browser.sizes.flatMap((n) => [
    { label: `p2p-streams-channel, ${n} clients`, value: browser.connectTimes[n].p2p.all, ours: true },
    { label: `PeerJS, ${n} clients`, value: browser.connectTimes[n].peerjs.all },
    ...(browser.connectTimes[n].floor ? [{ label: `no library (floor), ${n} clients`, value: browser.connectTimes[n].floor.all }] : []),
  ]) },
  { title: "Healing: host gone → all clients on a new host (ms)", unit: "ms", bars: [
    { label: "host tab closed (median)", value: browser.healing.close.median, ours: true },
    { label: "host crashed (median)", value: browser.healing.crash.median, ours: true },
  ] },
])
writeFileSync(`${root}docs/benchmarks.svg`, svg)

writeFileSync(`${root}docs/benchmarks.md`, `# Benchmarks

Measured with \`npm run bench\` on ${info.date.slice(0, 10)} (this page and [benchmarks.svg](benchmarks.svg)
are written by that command; \`npm run bench:signaling\`, \`npm run bench:browser\` and
\`npm run bench:files\` and \`npm run bench:media\` run one part each and print the same tables).

![benchmark chart](benchmarks.svg)

## Machine and versions

| | |
| --- | --- |
| date | ${info.date} |
| CPU | ${info.cpu} |
| memory | ${info.memory} |
| Node.js | ${info.node} |
| Chromium | ${info.chromium} |
| Firefox | ${info.firefox ?? "—"} |
| p2p-streams-channel | ${info.p2p} |
| ws | ${info.ws} |
| peerjs-server (\`peer\`) / PeerJS | ${info.peer} / ${info.peerjs} |
| Rails / puma | ${info.rails} / ${info.puma} |

## Signaling server

Load generator in Node on loopback, pinned to core 1; each server in turn, pinned to core 0. The
references run in the same process of measurement: a plain \`ws\` relay (the floor: parse, look up,
send), peerjs-server speaking its own protocol (concurrent limit raised), and a minimal Rails
ActionCable relay (async adapter, puma bound with \`?low_latency=true\`). The **Rails gem** row is
this project's own channel in a Rails app (the gem's dummy app under puma, in-process store), driven
by the same load generator over the same protocol as the Node server. Messages are the size of an
ICE candidate. For p2p-streams-channel the per-connection rate limit (a flood guard) is raised.
For the relay, every server is started and linked first, and then their trials take turns — one
server under load at a time, five trials of 2 s each, the median kept — so that a busy stretch of
this shared machine falls on all of them alike (run one after the other, the references moved by
±10 % between runs).

With two cores, the one-core load generator can be what limits the rate; the **server CPU** column
says how busy the server was, and **messages per server CPU-second** compares the servers' cost per
message whatever limited the run.

${signalingTables}

## Browser

${browser.measuredAt ? `Measured ${browser.measuredAt.slice(0, 10)}. ` : ""}Headless Chromium (Debian's package) in a network namespace of its own (loopback and a private veth pair), all pages in one
browser; for the table across engines, also Debian's Firefox ESR, each page a window of its own. Time to connected counts from each page's navigation start to its data channel opening
(\`p2p:connected\`; for PeerJS, the connection's \`open\`), and "all" from the moment the client
pages, their tabs already open, all begin to navigate, to the last one connected. The
**no library** star is the floor of that measure: the same star built by an inline script in each
page's head, with no library — a plain WebSocket to a plain \`ws\` relay and one
RTCPeerConnection with one data channel, opened while the page is still parsing; a client offers,
the host answers, candidates trickle. No session, no tokens, no checks, no recovery. The three
kinds take turns, run by run. The raw RTCDataChannel reference of the relay table is two of the
same pages joined by one channel with no library: the physical limit here.

Loopback has no latency, so round trips cost nothing there; the **far** star puts the servers
(the page's, and signaling) ${browser.far?.oneWayMs ?? 25} ms away, one way, through a proxy that delays every chunk
(\`bench/lib/delayProxy.mjs\`; \`tc netem\` is not available here), while the peers stay on one
network. That is where the round trips each design needs show: a user far from the server, near
the others in the room.

${browserTables}

## Files and binary data

The same browser, pages holding a bare \`P2pSession\`. A file of the size shown goes with
\`sendFile\` from the host to one client, and from a client through the host to four others; the
time runs from \`sendFile\` to the last receiver holding all of it. The references, in the same run:
a raw RTCDataChannel between two pages sending the same bytes in 64 KiB messages with the same
buffer thresholds (the physical limit here), and PeerJS sending one \`ArrayBuffer\` of the same size
with \`serialization: "binary"\`, page to page. The peak JS heap is sampled every 100 ms over the
DevTools protocol (\`Runtime.getHeapUsage\`) on each page during the transfer. Chat latency is a
client's timestamped message every 20 ms, read at another client, with and without the transfer.

${filesTables}

## Media

Chromium's fake camera and microphone. The host page (for PeerJS, the publishing page) runs in a
Chromium of its own, so that its CPU can be read from its processes (\`/proc\`, user + system,
over a steady stretch after every page shows video); the other pages share a second Chromium. For
p2p-streams-channel, a client's stream goes to the host, which forwards it to every other client
(decoding it and encoding it again for each); PeerJS, which has no relay, is measured as a mesh: the
publisher calls every other page itself. First frame: from \`publish\` (PeerJS: the first
\`call\`) to each page's first decoded frame (\`requestVideoFrameCallback\`).

${mediaTables}

## Against the targets

${verdicts(signaling, JSON.parse(readFileSync(`${results}/browser.json`, "utf8")))}

## Reading these numbers

- The hard \`ulimit -n\` here is 20,000 per process, so the largest idle run is 19,000 connections
  (the load generator holds the other end of each).
- A two-core machine runs Chromium's pages, the signaling server and the test harness together; the
  browser figures are what a crowded laptop sees, not a fast one. Time to connected is bound by the
  CPU there: the pages of a 1 + 5 star use about as much CPU as two cores give in that time, most of
  it Chromium's own (loading a page, the WebRTC stack). So the floor — the same star with no library
  — is only 0.8–0.9× PeerJS's time, and the figures move by ±15 % between runs (the three kinds take
  turns so that a busy stretch falls on all of them).
- Across engines: in this namespace a Chromium client's peer connection sometimes had only its
  loopback candidate (which \`--allow-loopback-in-peer-connection\` allows; a real network offers no
  loopback candidates), and Firefox takes a loopback candidate only with
  \`media.peerconnection.ice.loopback\`, which the bench and the tests set. Without it, about one
  Firefox-host star in three had a client wait for the 10 s connect timeout and join again (11.8 s).
- The file fan-out row is per receiver: the host sends every byte once per client it relays to, so
  its uplink carries the figure times the number of clients it relays to (here ${files.fanOut}: ${((files.fan.perReceiver * files.fanOut) / 2 ** 20).toFixed(1)} MiB/s in all, against
  ${(files.raw.perReceiver / 2 ** 20).toFixed(1)} MiB/s for one raw channel), while six browser pages share two cores. Chat during a
  transfer waits behind that same crowded CPU and SCTP association; idle, it takes 1–3 ms.
`)
console.log("\nwrote docs/benchmarks.md and docs/benchmarks.svg")
