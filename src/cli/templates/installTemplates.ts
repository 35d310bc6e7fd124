/** The server-side module `install` writes: one place that owns the signaling server. */
export const SIGNALING_MODULE = `// Written by \`p2p-streams-channel install\`. The signaling server, the browser modules, your
// Stimulus controllers and the frame helper, in one place.
import { existsSync, readFileSync } from "node:fs"
import { SignalingServer, createClientAssetHandler, importmapTag, p2pFrameTag } from "p2p-streams-channel/server"

// The join-token secret: P2P_STREAMS_CHANNEL_SECRET from the environment, else from .env beside
// this file (install wrote it there and git-ignored it).
function readSecret() {
  if (process.env.P2P_STREAMS_CHANNEL_SECRET) return process.env.P2P_STREAMS_CHANNEL_SECRET
  const envFile = new URL("./.env", import.meta.url)
  const line = existsSync(envFile) && /^P2P_STREAMS_CHANNEL_SECRET=(.+)$/m.exec(readFileSync(envFile, "utf8"))
  if (line) return line[1].trim()
  throw new Error("P2P_STREAMS_CHANNEL_SECRET is not set: put it in the environment or in .env")
}
const secret = readSecret()

export const signaling = new SignalingServer({ secret })
const serveClientModules = createClientAssetHandler()
const CONTROLLERS = new URL("./app/javascript/controllers/", import.meta.url)

/** Call once with your app's http.Server: WebSocket upgrades on /cable go to the signaling server. */
export function mountSignaling(server) {
  signaling.attach(server)
}

/**
 * Express: app.use(p2pMiddleware). Plain node:http: call p2pMiddleware(req, res, next) first.
 * Serves /p2p/* (the browser modules), /controllers/* (app/javascript/controllers), /healthz, /metrics.
 */
export function p2pMiddleware(req, res, next) {
  if (serveClientModules(req, res) || signaling.handleHttp(req, res) || serveController(req, res)) return
  next?.()
}

function serveController(req, res) {
  const path = (req.url ?? "").split("?")[0]
  if (req.method !== "GET" || !/^\\/controllers\\/[A-Za-z0-9_-]+\\.js$/.test(path)) return false
  const file = new URL(path.slice("/controllers/".length), CONTROLLERS)
  if (!existsSync(file)) return false
  res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" })
  res.end(readFileSync(file))
  return true
}

/** Put in your pages' <head>: the importmap (pages import "p2p" with no build step) and your controllers. */
export const p2pHead = \`\${importmapTag()}\\n<script type="module" src="/controllers/index.js"></script>\`

/** Renders <p2p-frame> with a fresh join token (1 hour), like the Rails helper p2p_frame_tag. */
export function p2pFrame({ sessionId, peerId, config, content }) {
  return p2pFrameTag({ secret, sessionId, peerId, config, content })
}
`

/** The Stimulus application `install` writes for pages. */
export const STIMULUS_APPLICATION = `// Written by \`p2p-streams-channel install\`. Starts Stimulus and defines <p2p-frame>.
import { Application } from "@hotwired/stimulus"
import "p2p-streams-channel/frame"

const application = Application.start()
export { application }
`

/** The controllers' entry point `install` writes; `controller NAME` adds each controller to it. */
export const CONTROLLERS_INDEX = `// Written by \`p2p-streams-channel install\`; \`npx p2p-streams-channel controller NAME\` registers each
// new controller here. Loaded by p2pHead (p2p-signaling.js).
import { application } from "./application.js"
`

/** The lines that register one controller in the controllers' index. */
export function registration(className: string, identifier: string, fileBase: string): string {
  return `import ${className} from "./${fileBase}_controller.js"\napplication.register("${identifier}", ${className})\n`
}

/** What `install` prints when it is done. */
export const INSTALL_NEXT_STEPS = `
Next:
  1. In your server (Express or node:http):
       import { mountSignaling, p2pMiddleware, p2pHead, p2pFrame } from "./p2p-signaling.js"
       app.use(p2pMiddleware)     // node:http: call p2pMiddleware(req, res, next) first in your handler
       mountSignaling(server)     // your http.Server, e.g. const server = app.listen(3000)
  2. In your pages' <head>:  \${p2pHead}
  3. npx p2p-streams-channel controller chat   (it prints the markup its controller expects), then
     in a page's <body>:  \${p2pFrame({ sessionId: "room-1", peerId: currentUserId, content: markup })}
`
