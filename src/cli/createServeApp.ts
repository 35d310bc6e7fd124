import { createServer, type Server } from "node:http"
import { createDemoHandler } from "../server/demo/createDemoHandler.js"
import { createClientAssetHandler } from "../server/http/ClientAssets.js"
import { createRequestListener, refuseConnectRequests, type HttpHandler } from "../server/http/createRequestListener.js"
import { requestPathname } from "../server/http/requestTarget.js"
import type { Logger } from "../server/Logger.js"
import type { SignalingServer } from "../server/SignalingServer.js"

export interface ServeAppOptions {
  /** Serve the demo room at `/` (it hands out join tokens to anyone). */
  demo: boolean
  /** The secret the demo signs its tokens with; undefined with open joins. */
  secret: string | undefined
  logger: Logger
}

/**
 * The HTTP server `serve` runs, not yet listening: `/healthz` and `/metrics`, the browser modules
 * under `/p2p/`, the demo room (or a line saying it is off) at `/`, and the cable endpoint.
 */
export function createServeApp(signaling: SignalingServer, options: ServeAppOptions): Server {
  const front = options.demo ? createDemoHandler({ secret: options.secret }) : serverInfoHandler(signaling.options.path)
  const http = createServer(createRequestListener([signaling.handleHttp, createClientAssetHandler(), front], options.logger))
  refuseConnectRequests(http)
  signaling.attach(http, { rejectOtherUpgrades: true })
  return http
}

/** What `/` says when the demo room is off. */
function serverInfoHandler(cablePath: string): HttpHandler {
  return (request, response) => {
    if (request.method !== "GET" || requestPathname(request.url) !== "/") return false
    response
      .writeHead(200, { "content-type": "text/plain; charset=utf-8" })
      .end(`p2p-streams-channel signaling server: WebSocket endpoint ${cablePath}, /healthz, /metrics.\nThe demo room is off (start with --demo to serve it).\n`)
    return true
  }
}
