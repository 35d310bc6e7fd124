import type { IncomingMessage, ServerResponse } from "node:http"
import type { P2pConfig } from "../../client/P2pConfig.js"
import { ID_PATTERN } from "../../protocol/ChannelIdentifier.js"
import { parseRequestTarget } from "../http/requestTarget.js"
import { p2pFrameTag } from "../p2pFrameTag.js"
import { indexPage, roomPage } from "./demoPages.js"

export interface DemoOptions {
  /** The server's join-token secret; undefined when the server runs with open joins. */
  secret: string | undefined
  /** The session every demo peer joins unless the URL says `?room=`. Default: `chat`. */
  defaultRoom?: string
}

/**
 * The demo room, as the seed's dummy app: `/` asks for a name, `/room_chat?name=…` is the chat.
 * It hands a join token for any session and peer to anyone who asks: serve it only from a server
 * whose sessions are all demo sessions (`serve --demo`), never beside an app's real ones.
 * Optional query parameters: `room`, `keep=1` (keepCableConnection), `interval_mls`, `idle_timeout_mls`.
 */
export function createDemoHandler(options: DemoOptions) {
  const defaultRoom = options.defaultRoom ?? "chat"
  return function handleDemo(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== "GET") return false
    const url = parseRequestTarget(request.url)
    if (!url) return false
    if (url.pathname === "/favicon.ico") {
      response.writeHead(204).end()
      return true
    }
    if (url.pathname === "/") {
      const room = url.query.get("room")?.trim()
      html(response, 200, indexPage({ room: room && ID_PATTERN.test(room) ? room : defaultRoom }))
      return true
    }
    if (url.pathname !== "/room_chat") return false
    const name = url.query.get("name")?.trim() ?? ""
    const room = url.query.get("room")?.trim() || defaultRoom
    if (!ID_PATTERN.test(name) || !ID_PATTERN.test(room)) {
      html(response, 400, indexPage({ error: "Names and rooms are 1-128 letters, digits or _ - . : @ (no spaces).", room: ID_PATTERN.test(room) ? room : defaultRoom }))
      return true
    }
    const config = demoConfig(url.query)
    const frame = (content: string) =>
      p2pFrameTag({ secret: options.secret, sessionId: room, peerId: name, config, expiresInMs: 12 * 3_600_000, content })
    html(response, 200, roomPage(name, room, frame))
    return true
  }
}

function demoConfig(params: URLSearchParams): P2pConfig {
  const config: P2pConfig = { keepCableConnection: params.get("keep") === "1" }
  const interval = Number(params.get("interval_mls"))
  const idle = Number(params.get("idle_timeout_mls"))
  if (interval > 0 || idle > 0) {
    config.heartbeat = {}
    if (interval > 0) config.heartbeat.interval_mls = interval
    if (idle > 0) config.heartbeat.idle_timeout_mls = idle
  }
  return config
}

function html(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { "content-type": "text/html; charset=utf-8" }).end(body)
}
