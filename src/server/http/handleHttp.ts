import type { IncomingMessage, ServerResponse } from "node:http"
import type { SignalingServer } from "../SignalingServer.js"

/**
 * Answers `GET /healthz` and `GET /metrics`. Returns false for any other request, so it can sit in
 * front of an app's own handler, or be used as `(req, res, next)` middleware.
 */
export function createHttpHandler(server: SignalingServer) {
  return function handleHttp(request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void): boolean {
    const pathname = (request.url ?? "/").split("?")[0]
    if (request.method === "GET" && pathname === "/healthz") {
      const body = JSON.stringify({ status: server.closing ? "stopping" : "ok", ...server.stats() })
      response.writeHead(server.closing ? 503 : 200, { "content-type": "application/json" }).end(body)
      return true
    }
    if (request.method === "GET" && pathname === "/metrics") {
      server.metrics.registry.metrics().then(
        (text) => response.writeHead(200, { "content-type": server.metrics.registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500).end(String(error)),
      )
      return true
    }
    next?.()
    return false
  }
}
