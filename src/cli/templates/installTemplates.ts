/** The server-side module `install` writes: one place that owns the signaling server. */
export const SIGNALING_MODULE = `// Written by \`p2p-streams-channel install\`. The signaling server, its browser modules, and the
// frame helper, all reading the secret from P2P_STREAMS_CHANNEL_SECRET.
import { SignalingServer, createClientAssetHandler, importmapTag, p2pFrameTag } from "p2p-streams-channel/server"

const secret = process.env.P2P_STREAMS_CHANNEL_SECRET
if (!secret) throw new Error("set P2P_STREAMS_CHANNEL_SECRET (see .env)")

export const signaling = new SignalingServer({ secret })
const serveClientModules = createClientAssetHandler()

/** Call once with your app's http.Server: WebSocket upgrades on /cable go to the signaling server. */
export function mountSignaling(server) {
  signaling.attach(server)
}

/** Use first in your request handler or as Express middleware: /p2p/* modules, /healthz, /metrics. */
export function p2pMiddleware(req, res, next) {
  if (serveClientModules(req, res) || signaling.handleHttp(req, res)) return
  next?.()
}

/** Put in your layout's <head>, before module scripts: lets pages import "p2p" with no build step. */
export const p2pImportmap = importmapTag()

/** Renders <p2p-frame> with a fresh token, like the Rails helper p2p_frame_tag. */
export function p2pFrame({ sessionId, peerId, config, content }) {
  return p2pFrameTag({ secret, sessionId, peerId, config, content })
}
`

/** The Stimulus entry `install` writes for pages. */
export const STIMULUS_APPLICATION = `// Written by \`p2p-streams-channel install\`. Starts Stimulus and defines <p2p-frame>.
import { Application } from "@hotwired/stimulus"
import "p2p-streams-channel/frame"

const application = Application.start()
export { application }
`
