// The floor: a plain `ws` relay. Each socket registers an id (`?id=`); a message {to, payload} goes
// to that id as {from, payload}; {type: "join"} is answered {type: "ready"}. No protocol, no checks.
import { WebSocketServer } from "ws"

/** Listens on `port`; resolves once it does. */
export function listenWsRelay(port) {
  const sockets = new Map()
  const wss = new WebSocketServer({ port, host: "127.0.0.1", perMessageDeflate: false })
  wss.on("connection", (socket, request) => {
    const id = new URL(request.url, "http://x").searchParams.get("id")
    sockets.set(id, socket)
    socket.on("close", () => sockets.get(id) === socket && sockets.delete(id))
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString())
      if (message.type === "join") return socket.send('{"type":"ready"}')
      sockets.get(message.to)?.send(JSON.stringify({ from: id, payload: message.payload }))
    })
  })
  return new Promise((resolve) => wss.on("listening", () => resolve(wss)))
}
