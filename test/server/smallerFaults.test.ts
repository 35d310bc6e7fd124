import { afterEach, describe, expect, it } from "vitest"
import { signJoinToken, verifyJoinToken } from "../../src/server/JoinToken.js"
import { createConsoleLogger, type Logger } from "../../src/server/Logger.js"
import { RawCableClient, RawClientPool } from "../helpers/RawCableClient.js"
import { eventually, SECRET, startTestServer, type TestServer } from "../helpers/testServer.js"

const JOIN = { type: "Connection", state: "SessionJoin" }

function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const push = (line: string) => void lines.push(line)
  return { lines, debug() {}, info: push, warn: push, error: push }
}

describe("refusals are logged safely", () => {
  let t: TestServer
  afterEach(async () => t.close())

  it("a flood of bad frames writes a bounded number of lines, each one line, and says how many it held back", async () => {
    const logger = capturingLogger()
    t = await startTestServer({ logger, rateLimitPerSecond: 1_000_000, rateLimitBurst: 1_000_000, pingIntervalMs: 200 })
    const client = await RawCableClient.connect(t.cableUrl)
    const forged = "x\n2026-11-27T00:00:00.000Z INFO  admin signed in\r\u2028"
    for (let i = 0; i < 5000; i += 1) client.send({ command: forged, identifier: "i" })
    await eventually(() => logger.lines.some((line) => /more refusals not logged/.test(line)), 3000, "a summary line")
    const refusals = logger.lines.filter((line) => line.includes("unknown_command"))
    expect(refusals.length).toBeGreaterThan(0)
    expect(refusals.length).toBeLessThanOrEqual(60)
    for (const line of logger.lines) expect(line).not.toMatch(/[\n\r\u2028]/)
    expect(refusals[0]).toContain("x\\u000a2026-11-27")
    client.close()
  })

  it("the console logger escapes control characters from any message", () => {
    const writes: string[] = []
    const original = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((chunk: string) => writes.push(chunk) > 0) as typeof process.stderr.write
    try {
      createConsoleLogger("info").warn("peer said\nERROR forged\u0007")
    } finally {
      process.stderr.write = original
    }
    expect(writes).toHaveLength(1)
    expect(writes[0]).toMatch(/WARN  peer said\\u000aERROR forged\\u0007\n$/)
  })
})

describe("join tokens have one spelling", () => {
  it("refuses an expiry with leading zeros, a sign or spaces, accepts the canonical one", () => {
    const expiresAt = Date.now() + 60_000
    const token = signJoinToken(SECRET, { sessionId: "s", peerId: "p", expiresAt })
    const [, expiry, mac] = token.split(".")
    expect(() => verifyJoinToken(SECRET, token, "s", "p")).not.toThrow()
    for (const variant of [`v1.0${expiry}.${mac}`, `v1.00${expiry}.${mac}`, `v1.+${expiry}.${mac}`, `v1. ${expiry}.${mac}`, `v1.${expiry}.0.${mac}`]) {
      expect(() => verifyJoinToken(SECRET, variant, "s", "p"), variant).toThrow(expect.objectContaining({ code: "invalid_token" }))
    }
  })
})

describe("the server's limits hold against a hostile peer", () => {
  let t: TestServer
  const pool = new RawClientPool()
  const connect = (options = {}) => pool.connect(t.cableUrl, options)
  afterEach(async () => {
    pool.closeAll()
    await t.close()
  })

  it("a host cannot fill its own session with made-up members", async () => {
    t = await startTestServer({ maxPeersPerSession: 2 })
    const host = await connect()
    const id = t.identifier("room", "host")
    await host.join(id)
    host.perform(id, { type: "Connection", state: "PeerConnected", client_peer_id: "ghost" })
    expect(await host.message(id, "Error")).toMatchObject({ code: "peer_not_found" })
    const bob = await connect()
    expect(await bob.join(t.identifier("room", "bob"))).toMatchObject({ host_peer_id: "host", peer_id: "bob" })
  })

  it("strict origins: a page whose host only matches the Host header is refused; listed origins and non-browsers are not", async () => {
    t = await startTestServer({ allowSameOriginAsHost: false, allowedOrigins: ["https://app.example"] })
    await expect(RawCableClient.connect(t.cableUrl, { origin: t.httpUrl })).rejects.toThrow(/403/)
    expect((await connect({ origin: "https://app.example" })).socket.readyState).toBe(1)
    expect((await connect()).socket.readyState).toBe(1)
  })

  it("by default a page served by the same host may connect (allowSameOriginAsHost)", async () => {
    t = await startTestServer()
    expect((await connect({ origin: t.httpUrl })).socket.readyState).toBe(1)
    await expect(RawCableClient.connect(t.cableUrl, { origin: "https://elsewhere.example" })).rejects.toThrow(/403/)
  })
})

