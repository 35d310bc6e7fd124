import type { IncomingMessage, Server, ServerResponse } from "node:http"
import type { Duplex } from "node:stream"
import type { Logger } from "../Logger.js"
import { parseRequestTarget } from "./requestTarget.js"

/** Answers a request and returns true, or returns false to let the next handler try. */
export type HttpHandler = (request: IncomingMessage, response: ServerResponse) => boolean

/**
 * The one boundary every HTTP request of the server's own listener passes: a target that is not
 * `/path?query` gets 400, a request no handler takes gets 404, and a handler that throws gets a
 * 500 and one log line. Nothing a request carries can end the process.
 */
export function createRequestListener(handlers: readonly HttpHandler[], logger: Logger) {
  return function listener(request: IncomingMessage, response: ServerResponse): void {
    response.on("error", () => {})
    if (!parseRequestTarget(request.url)) return plain(response, 400, "bad request target", { connection: "close" })
    try {
      if (handlers.some((handle) => handle(request, response))) return
      plain(response, 404, "not found")
    } catch (error) {
      logger.error(`HTTP ${request.method ?? "?"} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
      if (!response.headersSent) plain(response, 500, "internal error")
      else response.destroy()
    }
  }
}

function plain(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers }).end(`${text}\n`)
}

/**
 * Answers what the request listener never sees: a `CONNECT` (this is no proxy) gets 405 rather
 * than a silently dropped connection.
 */
export function refuseConnectRequests(server: Server): void {
  server.on("connect", (_request: IncomingMessage, socket: Duplex) => {
    socket.on("error", () => {})
    socket.end("HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
  })
}
