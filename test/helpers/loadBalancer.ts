import { connect, createServer, type Socket } from "node:net"

/**
 * A TCP load balancer for tests: each connection goes to the first backend that accepts it, so
 * when a node dies, new connections (WebSocket upgrades included) land on the next one.
 */
export async function startLoadBalancer(backends: number[]): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    sockets.add(client)
    client.on("close", () => sockets.delete(client))
    client.pause()
    const tryBackend = (index: number) => {
      if (index >= backends.length) return client.destroy()
      const upstream = connect(backends[index]!, "127.0.0.1")
      upstream.once("error", () => tryBackend(index + 1))
      upstream.once("connect", () => {
        upstream.removeAllListeners("error")
        sockets.add(upstream)
        upstream.on("close", () => sockets.delete(upstream))
        upstream.on("error", () => client.destroy())
        client.on("error", () => upstream.destroy())
        client.pipe(upstream).pipe(client)
        client.resume()
      })
    }
    tryBackend(0)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  if (typeof address !== "object" || !address) throw new Error("no address")
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
