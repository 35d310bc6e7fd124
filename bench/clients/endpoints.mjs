// How the load generator speaks to each server under test. Every endpoint offers the same
// operations: `ready` (connected and registered), `join()` (into its session, resolving when the
// server says so), `send(toPeer, payload)` (an ICE-candidate-sized message to one peer) and
// `onPayload(callback)`. All speak raw WebSocket frames, and keep the client side cheap: a relayed
// payload is found in the frame text by its marker instead of parsing the frame, and outgoing
// frames are built from prepared halves (payloads hold no characters JSON would escape). The load
// generator must not be what is measured.
import { createHmac } from "node:crypto"
import { performance } from "node:perf_hooks"
import WebSocket from "ws"

export const P2P_SECRET = "bench-secret-0123456789"

function token(session, peer) {
  const expiry = Math.floor(Date.now() / 1000) + 3600
  const mac = createHmac("sha256", P2P_SECRET).update(`v1|${session}|${peer}|${expiry}`).digest("base64url")
  return `v1.${expiry}.${mac}`
}

function open(url, protocols) {
  return new WebSocket(url, protocols, { perMessageDeflate: false })
}

/** Resolves when `predicate(frame)` holds for an incoming parsed frame. */
function waitFor(listeners, predicate) {
  return new Promise((resolve) => {
    const listener = (frame) => {
      if (!predicate(frame)) return
      listeners.delete(listener)
      resolve(frame)
    }
    listeners.add(listener)
  })
}

/** Payloads start with this marker (`ts=<send time> candidate:…`). */
export const MARKER = "ts="

class Endpoint {
  constructor(socket) {
    this.socket = socket
    this.listeners = new Set()
    this.onPayloadCallback = () => {}
    this.closed = new Promise((resolve) => socket.on("close", resolve))
    socket.on("error", () => {})
    socket.on("message", (data) => {
      const text = data.toString()
      const at = text.indexOf(MARKER)
      if (at >= 0) return this.onPayloadCallback(text.slice(at, text.indexOf(" ", at)))
      const frame = JSON.parse(text)
      for (const listener of [...this.listeners]) listener(frame)
    })
  }
  onPayload(callback) {
    this.onPayloadCallback = callback
  }
  close() {
    this.socket.terminate()
  }
}

/**
 * p2p-streams-channel: ActionCable frames, the signaling channel, IceCandidate relay. With
 * `joinWithSubscription` it joins as the browser client does, in the subscription itself
 * (`"join": true`); `join()` then only waits for SessionReady, and `joinSentAt` says when it was asked.
 */
class P2pEndpoint extends Endpoint {
  constructor(port, session, peer, { joinWithSubscription = false } = {}) {
    super(open(`ws://127.0.0.1:${port}/cable`, ["actioncable-v1-json"]))
    this.peer = peer
    const params = { channel: "P2pStreamsChannel::SignalingChannel", session_id: session, peer_id: peer, token: token(session, peer) }
    this.identifier = JSON.stringify(joinWithSubscription ? { ...params, join: true } : params)
    this.framePrefix = `{"command":"message","identifier":${JSON.stringify(this.identifier)},"data":`
    this.ready = waitFor(this.listeners, (frame) => frame.type === "welcome").then(() => {
      if (joinWithSubscription) this.sessionReady = this.waitForReady()
      this.joinSentAt = performance.now()
      this.socket.send(JSON.stringify({ command: "subscribe", identifier: this.identifier }))
      return waitFor(this.listeners, (frame) => frame.type === "confirm_subscription")
    })
  }
  waitForReady() {
    return waitFor(this.listeners, (frame) => frame.message?.state === "SessionReady" && frame.message.peer_id === this.peer)
  }
  join() {
    if (this.sessionReady) return this.sessionReady
    const ready = this.waitForReady()
    this.joinSentAt = performance.now()
    this.socket.send(JSON.stringify({ command: "message", identifier: this.identifier, data: JSON.stringify({ type: "Connection", state: "SessionJoin" }) }))
    return ready
  }
  send(to, payload) {
    const data = `{\\"type\\":\\"Connection\\",\\"state\\":\\"IceCandidate\\",\\"to_peer_id\\":\\"${to}\\",\\"candidate\\":{\\"candidate\\":\\"${payload}\\",\\"sdpMid\\":\\"0\\",\\"sdpMLineIndex\\":0}}`
    this.socket.send(`${this.framePrefix}"${data}"}`)
  }
}

/** The plain `ws` relay. */
class WsEndpoint extends Endpoint {
  constructor(port, session, peer) {
    super(open(`ws://127.0.0.1:${port}/?id=${session}:${peer}`))
    this.session = session
    this.ready = new Promise((resolve) => this.socket.once("open", resolve))
  }
  join() {
    const ready = waitFor(this.listeners, (frame) => frame.type === "ready")
    this.joinSentAt = performance.now()
    this.socket.send('{"type":"join"}')
    return ready
  }
  send(to, payload) {
    this.socket.send(`{"to":"${this.session}:${to}","payload":"${payload}"}`)
  }
}

/** peerjs-server, speaking its own protocol: OPEN on connect, CANDIDATE relayed to `dst`. */
class PeerjsEndpoint extends Endpoint {
  constructor(port, session, peer) {
    super(open(`ws://127.0.0.1:${port}/peerjs?key=peerjs&id=${session}-${peer}&token=${Math.random().toString(36).slice(2)}`))
    this.session = session
    this.opened = waitFor(this.listeners, (frame) => frame.type === "OPEN")
    this.ready = this.opened
  }
  join() {
    return this.opened
  }
  send(to, payload) {
    this.socket.send(`{"type":"CANDIDATE","dst":"${this.session}-${to}","payload":{"candidate":"${payload}"}}`)
  }
}

/** Rails ActionCable: the same frames as ours, a RelayChannel that broadcasts to the addressed peer. */
class RailsEndpoint extends Endpoint {
  constructor(port, session, peer) {
    super(open(`ws://127.0.0.1:${port}/`, ["actioncable-v1-json", "actioncable-unsupported"]))
    this.session = session
    this.identifier = JSON.stringify({ channel: "RelayChannel", session_id: session, peer_id: peer })
    this.framePrefix = `{"command":"message","identifier":${JSON.stringify(this.identifier)},"data":`
    this.ready = waitFor(this.listeners, (frame) => frame.type === "welcome").then(() => {
      this.socket.send(JSON.stringify({ command: "subscribe", identifier: this.identifier }))
      return waitFor(this.listeners, (frame) => frame.type === "confirm_subscription")
    })
  }
  join() {
    const ready = waitFor(this.listeners, (frame) => frame.message?.type === "ready")
    this.joinSentAt = performance.now()
    this.socket.send(JSON.stringify({ command: "message", identifier: this.identifier, data: JSON.stringify({ action: "join" }) }))
    return ready
  }
  send(to, payload) {
    this.socket.send(`${this.framePrefix}"{\\"to\\":\\"${to}\\",\\"payload\\":\\"${payload}\\"}"}`)
  }
}

// The gem speaks the same protocol as the Node server.
export const ENDPOINTS = { p2p: P2pEndpoint, gem: P2pEndpoint, ws: WsEndpoint, peerjs: PeerjsEndpoint, rails: RailsEndpoint }
