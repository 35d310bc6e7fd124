// Recorded on every bench page before any of its scripts run: when each step of joining happened
// (ms from navigation start), the same way for p2p-streams-channel and PeerJS, by wrapping the
// browser's WebSocket and RTCPeerConnection rather than either library.
export const PHASE_RECORDER = `(() => {
  const phases = (window.__phases = {})
  const mark = (name) => (phases[name] ??= performance.now())
  const NativeWebSocket = window.WebSocket
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args)
      mark("socket created")
      this.addEventListener("open", () => mark("socket open"))
      this.addEventListener("message", ({ data }) => {
        if (typeof data !== "string") return
        mark("first server message")
        if (data.includes("confirm_subscription")) mark("subscription confirmed")
        if (data.includes("SessionReady")) mark("SessionReady")
      })
    }
    send(data) {
      if (typeof data === "string" && data.includes('"command":"subscribe"')) mark("subscribe sent")
      if (typeof data === "string" && data.includes("SessionJoin")) mark("join sent")
      return super.send(data)
    }
  }
  const NativePeerConnection = window.RTCPeerConnection
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(...args) {
      super(...args)
      mark("peer connection created")
      this.addEventListener("iceconnectionstatechange", () => {
        if (this.iceConnectionState === "connected" || this.iceConnectionState === "completed") mark("ICE connected")
      })
      this.addEventListener("connectionstatechange", () => this.connectionState === "connected" && mark("DTLS connected"))
      this.addEventListener("datachannel", ({ channel }) => channel.addEventListener("open", () => mark("data channel open")))
    }
    async setLocalDescription(description) {
      const result = await super.setLocalDescription(description)
      mark("local " + (this.localDescription?.type ?? "description") + " set")
      return result
    }
    async setRemoteDescription(description) {
      const result = await super.setRemoteDescription(description)
      mark("remote " + (description?.type ?? "description") + " set")
      return result
    }
    createDataChannel(...args) {
      const channel = super.createDataChannel(...args)
      channel.addEventListener("open", () => mark("data channel open"))
      return channel
    }
  }
  addEventListener("DOMContentLoaded", () => mark("DOM ready"))
})()`

/** The phases in the order a client meets them, for the table. */
export const PHASE_ORDER = ["DOM ready", "socket created", "socket open", "first server message", "subscribe sent", "subscription confirmed", "join sent", "SessionReady", "peer connection created", "local offer set", "remote offer set", "local answer set", "remote answer set", "ICE connected", "DTLS connected", "data channel open"]
