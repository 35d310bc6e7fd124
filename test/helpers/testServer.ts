import { buildChannelIdentifier } from "../../src/protocol/ChannelIdentifier.js"
import { signJoinToken } from "../../src/server/JoinToken.js"
import { silentLogger } from "../../src/server/Logger.js"
import { SignalingServer } from "../../src/server/SignalingServer.js"
import type { SignalingServerOptions } from "../../src/server/SignalingServerOptions.js"

export const SECRET = "test-secret-0123456789"

export interface TestServer {
  server: SignalingServer
  /** `ws://127.0.0.1:<port>/cable` */
  cableUrl: string
  httpUrl: string
  /** A valid identifier for a peer of a session. */
  identifier(sessionId: string, peerId: string): string
  close(): Promise<void>
}

/** Starts a real server on a free loopback port. */
export async function startTestServer(options: Partial<SignalingServerOptions> = {}): Promise<TestServer> {
  const server = new SignalingServer({ secret: SECRET, logger: silentLogger, ...options })
  const { port } = await server.listen(0, "127.0.0.1")
  return {
    server,
    cableUrl: `ws://127.0.0.1:${port}${server.options.path}`,
    httpUrl: `http://127.0.0.1:${port}`,
    identifier: (sessionId, peerId) =>
      buildChannelIdentifier(sessionId, peerId, signJoinToken(SECRET, { sessionId, peerId, expiresAt: Date.now() + 60_000 })),
    close: () => server.close(),
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Polls `condition` until it holds, failing after `timeoutMs`. */
export async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = 3000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`)
    await sleep(20)
  }
}

/** `p2p_rejections_total{reason}` as the server's `/metrics` reports it now. */
export async function rejections(httpUrl: string, reason: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text()
  const line = text.split("\n").find((l) => l.startsWith(`p2p_rejections_total{reason="${reason}"}`))
  return line ? Number(line.split(" ")[1]) : 0
}
