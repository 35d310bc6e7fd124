import { table } from "./table.mjs"

/** The benchmark targets, and whether this run met them (relay compared per server CPU-second). */
export function verdicts(signaling) {
  const { servers, counts } = signaling
  const ours = servers.p2p
  const rows = []
  const relayCost = (name) => servers[name]?.relay.max.perCpuSecond
  const relayRate = (name) => servers[name]?.relay.max.perSecond
  for (const [name, target] of [["ws", 0.7], ["peerjs", 1], ["rails", 30]]) {
    if (!servers[name]) continue
    const perCpu = relayCost("p2p") / relayCost(name)
    const rate = relayRate("p2p") / relayRate(name)
    rows.push([`relay ≥ ${target}× ${servers[name].label}`, `${perCpu.toFixed(2)}× per CPU-second, ${rate.toFixed(2)}× msg/s`, perCpu >= target ? "met" : "not met"])
  }
  const biggest = Math.max(...Object.keys(ours.idle).map(Number))
  const kb = ours.idle[biggest].bytesPerConnection / 1024
  const atTen = ours.idle[counts.at(-1)].bytesPerConnection / 1024
  rows.push([`≤ 10 KB per idle connection`, `${atTen.toFixed(1)} KB at ${counts.at(-1).toLocaleString("en-US")}, ${kb.toFixed(1)} KB at ${biggest.toLocaleString("en-US")}`, atTen <= 10 ? "met" : "not met"])
  return table(["target", "this run", "verdict"], rows).trim()
}
