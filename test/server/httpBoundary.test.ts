import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { createRequestListener } from "../../src/server/http/createRequestListener.js"
import type { Logger } from "../../src/server/Logger.js"
import { startServe, type ServeProcess } from "../helpers/cli.js"
import { rawHttp, statusOf } from "../helpers/rawHttp.js"

const SECRET = "http-secret-0123456789abcdef"
const portOf = (serve: ServeProcess) => Number(new URL(serve.baseUrl).port)

// Request targets that `new URL()` rejects or misreads, and other shapes browsers never send.
const HOSTILE_TARGETS = ["//[", "//[::1", "*", "http://[", "//evil.example/room_chat?name=a", "/%", "/room_chat?name=%E0%A4%A", "/\u00ff", "?x"]

describe("no HTTP request can stop `serve`", () => {
  let serve: ServeProcess | undefined
  afterEach(async () => {
    await serve?.stop("SIGKILL")
    serve = undefined
  })

  it.each([[[] as string[]], [["--demo"]]])("hostile request targets get 400, and the server carries on (serve %j)", async (args) => {
    serve = await startServe(args, { P2P_STREAMS_CHANNEL_SECRET: SECRET })
    for (const target of HOSTILE_TARGETS) {
      for (const method of ["GET", "POST", "HEAD"]) {
        const answer = await rawHttp(portOf(serve), `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
        expect([400, 404], `${method} ${target}: ${answer.slice(0, 80)}`).toContain(statusOf(answer))
      }
      const upgrade = await rawHttp(portOf(serve), `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: actioncable-v1-json\r\n\r\n`)
      expect([400, 404]).toContain(statusOf(upgrade))
    }
    expect(serve.child.exitCode).toBeNull()
    expect((await fetch(`${serve.baseUrl}/healthz`)).status).toBe(200)
  })

  it("a handler that throws costs that request a 500 and one log line, nothing more", async () => {
    const lines: string[] = []
    const logger: Logger = { debug() {}, info() {}, warn() {}, error: (line) => lines.push(line) }
    const server = createServer(createRequestListener([(request) => {
      if (request.url === "/boom") throw new Error("handler bug")
      return false
    }], logger))
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as AddressInfo
    const boom = await fetch(`http://127.0.0.1:${port}/boom`)
    expect(boom.status).toBe(500)
    expect(await boom.text()).toBe("internal error\n")
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/HTTP GET failed: Error: handler bug/)
    server.close()
  })
})

describe("the demo room is no token oracle", () => {
  let serve: ServeProcess | undefined
  afterEach(async () => {
    await serve?.stop("SIGKILL")
    serve = undefined
  })

  it("`serve` with a secret serves no demo and hands out no token", async () => {
    serve = await startServe([], { P2P_STREAMS_CHANNEL_SECRET: SECRET })
    expect(serve.output()).toMatch(/demo room off/)
    const room = await fetch(`${serve.baseUrl}/room_chat?name=mallory&room=victims-room`)
    expect(room.status).toBe(404)
    expect(await room.text()).not.toMatch(/token/)
    const index = await fetch(`${serve.baseUrl}/`)
    expect(await index.text()).toMatch(/demo room is off \(start with --demo/)
  })

  it("`serve --demo` with a configured secret says loudly that it hands out tokens", async () => {
    serve = await startServe(["--demo"], { P2P_STREAMS_CHANNEL_SECRET: SECRET })
    expect(serve.output()).toMatch(/WARN .*DEMO ROOM ON - \/room_chat hands a join token for ANY session/)
    expect(await (await fetch(`${serve.baseUrl}/room_chat?name=ann`)).text()).toMatch(/token="v1\./)
  })

  it("`npm start`'s `serve --demo` with a one-off secret serves the demo without the warning", async () => {
    serve = await startServe(["--demo"], { P2P_STREAMS_CHANNEL_SECRET: "" })
    expect(serve.output()).toMatch(/demo room http:/)
    expect(serve.output()).not.toMatch(/DEMO ROOM ON/)
  })
})
