import type { IncomingMessage, ServerResponse } from "node:http"
import type { SignalingServer } from "../SignalingServer.js"
import { PROMETHEUS_CONTENT_TYPE } from "../Metrics.js"
import { requestPathname } from "./requestTarget.js"

/**
 * Answers `GET /healthz` (200 when serving; 503 with `status` `store_unreachable` or `stopping`)
 * and `GET /metrics`. Returns false for any other request, so it can sit in
 * front of an app's own handler, or be used as `(req, res, next)` middleware.
 */
export function createHttpHandler(server: SignalingServer) {
  return function handleHttp(request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void): boolean {
    const pathname = requestPathname(request.url)
    if (request.method === "GET" && pathname === "/healthz") {
      const health = server.health()
      response.writeHead(health.status === "ok" ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(health))
      return true
    }
    if (request.method === "GET" && pathname === "/metrics") {
      server.metrics.render().then(
        (text) => response.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE }).end(text),
        (error: unknown) => response.writeHead(500).end(String(error)),
      )
      return true
    }
    next?.()
    return false
  }
}
