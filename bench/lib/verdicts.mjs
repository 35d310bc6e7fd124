import { table } from "./table.mjs"

/** The benchmark targets, and whether this run met them (relay compared per server CPU-second). */
export function verdicts(signaling, browser) {
  const { servers, counts } = signaling
  const ours = servers.p2p
  const rows = []
  const relayCost = (name) => servers[name]?.relay.max.perCpuSecond
  const relayRate = (name) => servers[name]?.relay.max.perSecond
  for (const [name, target] of [["ws", 0.9], ["peerjs", 1], ["rails", 30]]) {
    if (!servers[name]) continue
    const perCpu = relayCost("p2p") / relayCost(name)
    const rate = relayRate("p2p") / relayRate(name)
    rows.push([`relay ≥ ${target}× ${servers[name].label}`, `${perCpu.toFixed(2)}× per CPU-second, ${rate.toFixed(2)}× msg/s`, perCpu >= target ? "met" : "not met"])
  }
  const biggest = Math.max(...Object.keys(ours.idle).map(Number))
  const kb = ours.idle[biggest].bytesPerConnection / 1024
  const atTen = ours.idle[counts.at(-1)].bytesPerConnection / 1024
  rows.push([`≤ 10 KB per idle connection`, `${atTen.toFixed(1)} KB at ${counts.at(-1).toLocaleString("en-US")}, ${kb.toFixed(1)} KB at ${biggest.toLocaleString("en-US")}`, atTen <= 10 ? "met" : "not met"])
  if (servers.ws) {
    const ratio = ours.joins.connect.p99 / servers.ws.joins.connect.p99
    rows.push(["1,000 joins/s: socket open → SessionReady p99 ≤ 2× the ws floor's", `${ours.joins.connect.p99.toFixed(1)} ms, ${ratio.toFixed(2)}×`, ratio <= 2 ? "met" : "not met"])
  }
  for (const n of browser?.sizes ?? []) {
    const { p2p, peerjs, floor } = browser.connectTimes[n]
    const all = p2p.all / peerjs.all
    const noLibrary = floor ? ` (no library: ${Math.round(floor.all)} ms, ${(floor.all / peerjs.all).toFixed(2)}×)` : ""
    rows.push([`1 host + ${n}: all connected ≤ 0.8× PeerJS`, `${Math.round(p2p.all)} vs ${Math.round(peerjs.all)} ms, ${all.toFixed(2)}×${noLibrary}`, all <= 0.8 ? "met" : "not met"])
    rows.push([`1 host + ${n}: each client's median ≤ PeerJS's`, `${Math.round(p2p.median)} vs ${Math.round(peerjs.median)} ms`, p2p.median <= peerjs.median ? "met" : "not met"])
  }
  return table(["target", "this run", "verdict"], rows).trim()
}
