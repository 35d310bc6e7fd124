// A TCP proxy on loopback that makes a server look `oneWayMs` away: every chunk either way arrives
// that much later, in order, and a new connection pays one round trip more before its first byte
// (TCP's handshake). Loopback has no latency of its own, and `tc netem` is not available here.
import { connect, createServer } from "node:net"

/** Listens on a free loopback port and forwards to `targetPort`; resolves with `{ port, close() }`. */
export async function startDelayProxy(targetPort, oneWayMs) {
  const sockets = new Set()
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1")
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true)
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    }
    forward(client, upstream, oneWayMs, 2 * oneWayMs)
    forward(upstream, client, oneWayMs, 0)
  })
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    port: server.address().port,
    close() {
      for (const socket of sockets) socket.destroy()
      server.close()
    },
  }
}

/** Copies `from` to `to`, each chunk `delayMs` later (the first `firstExtraMs` more), in order. */
function forward(from, to, delayMs, firstExtraMs) {
  const queue = [] // [due, action], due never decreasing
  let timer
  let extra = firstExtraMs
  const drain = () => {
    timer = undefined
    while (queue.length > 0 && queue[0][0] <= Date.now()) queue.shift()[1]()
    if (queue.length > 0) timer = setTimeout(drain, queue[0][0] - Date.now())
  }
  const later = (action) => {
    queue.push([Math.max(Date.now() + delayMs + extra, queue.at(-1)?.[0] ?? 0), action])
    extra = 0
    timer ??= setTimeout(drain, queue[0][0] - Date.now())
  }
  from.on("data", (chunk) => later(() => to.destroyed || to.write(chunk)))
  from.on("end", () => later(() => to.end()))
  from.on("error", () => to.destroy())
  from.on("close", () => later(() => to.destroy()))
}
