// The pages the browser benchmark opens: our frame with no UI (so rendering is not measured), the
// PeerJS equivalent, and the same star with no library at all (the floor).
import { importmapTag, p2pFrameTag } from "../../dist/server/index.js"

const RECORDER = `
  window.__bench = { connectedAt: undefined, lastConnectedAt: undefined, count: 0, bytes: 0, lastAt: 0, latencies: [] }
  document.addEventListener("p2p:connected", () => {
    window.__bench.connectedAt ??= Date.now()
    window.__bench.lastConnectedAt = Date.now()
  })
  document.addEventListener("p2p:message", (event) => {
    const message = event.detail.message
    if (message.type !== "Data") return
    const bench = window.__bench
    bench.count += 1
    bench.bytes += message.data.length
    bench.lastAt = Date.now()
    if (message.data.startsWith("ts=")) bench.latencies.push(Date.now() - Number(message.data.slice(3, message.data.indexOf(" "))))
  })
`

/** A page holding one `<p2p-frame>`, recording when it connected and what Data it received. */
export function p2pPage({ secret, room, peer, config, cableUrl }) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${peer}</title>
${importmapTag({ stimulus: false })}
<script>${RECORDER}</script>
<script type="module">import "p2p-streams-channel/frame"</script>
</head><body>${p2pFrameTag({ secret, sessionId: room, peerId: peer, config, cableUrl })}</body></html>`
}

/** The PeerJS star: the host accepts data connections; a client connects to the host. */
export function peerjsPage({ port, id, hostId }) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${id}</title>
<script src="/peerjs.min.js"></script>
<script>
  window.__bench = { connectedAt: undefined, count: 0 }
  const peer = new Peer(${JSON.stringify(id)}, { host: "127.0.0.1", port: ${port}, path: "/", key: "peerjs", config: { iceServers: [] } })
  ${hostId
    ? `peer.on("open", () => {
    const connection = peer.connect(${JSON.stringify(hostId)}, { reliable: true })
    connection.on("open", () => (window.__bench.connectedAt ??= Date.now()))
  })`
    : `peer.on("open", () => (window.__bench.connectedAt ??= Date.now()))
  peer.on("connection", (connection) => connection.on("data", () => window.__bench.count++))`}
</script></head><body></body></html>`
}

/**
 * The same star with no library, the floor of this benchmark: an inline script in the page's head
 * opens a plain `ws` relay socket and one RTCPeerConnection with one data channel at once. A client
 * offers to the host, trickling candidates; the host answers. No session, no checks, no recovery.
 */
export function noLibraryPage({ relayUrl, id, hostId }) {
  const to = JSON.stringify(hostId)
  return `<!doctype html><html><head><meta charset="utf-8"><title>${id}</title>
<script>
  window.__bench = { connectedAt: undefined }
  const socket = new WebSocket(${JSON.stringify(`${relayUrl}?id=${encodeURIComponent(id)}`)})
  const queued = []
  const send = (to, payload) => {
    const message = JSON.stringify({ to, payload })
    if (socket.readyState === WebSocket.OPEN) socket.send(message)
    else queued.push(message)
  }
  socket.onopen = () => queued.splice(0).forEach((message) => socket.send(message))
  ${hostId
    ? `const pc = new RTCPeerConnection({ iceServers: [] })
  const channel = pc.createDataChannel("bench")
  channel.onopen = () => (window.__bench.connectedAt ??= Date.now())
  pc.onicecandidate = ({ candidate }) => candidate && send(${to}, { candidate })
  pc.createOffer().then((offer) => pc.setLocalDescription(offer)).then(() => send(${to}, { description: pc.localDescription }))
  socket.onmessage = ({ data }) => {
    const { payload } = JSON.parse(data)
    if (payload.description) pc.setRemoteDescription(payload.description)
    else pc.addIceCandidate(payload.candidate)
  }`
    : `window.__bench.connectedAt = Date.now()
  const links = new Map()
  socket.onmessage = async ({ data }) => {
    const { from, payload } = JSON.parse(data)
    if (!payload.description) return links.get(from)?.addIceCandidate(payload.candidate)
    const pc = new RTCPeerConnection({ iceServers: [] })
    links.set(from, pc)
    pc.onicecandidate = ({ candidate }) => candidate && send(from, { candidate })
    await pc.setRemoteDescription(payload.description)
    await pc.setLocalDescription(await pc.createAnswer())
    send(from, { description: pc.localDescription })
  }`}
</script></head><body></body></html>`
}
