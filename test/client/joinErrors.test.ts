import { RTCPeerConnection } from "node-datachannel/polyfill"
import WebSocket from "ws"
import { afterEach, describe, expect, it } from "vitest"
import { P2pSession, type P2pError, type P2pSessionOptions, type SessionState } from "../../src/client/index.js"
import { signJoinToken } from "../../src/server/JoinToken.js"
import { p2pFrameTag } from "../../src/server/p2pFrameTag.js"
import { SignalingServer } from "../../src/server/SignalingServer.js"
import { silentLogger } from "../../src/server/Logger.js"
import { freePort } from "../helpers/freePort.js"
import { RawClientPool } from "../helpers/RawCableClient.js"
import { eventually, SECRET, startTestServer, type TestServer } from "../helpers/testServer.js"

const token = (sessionId: string, peerId: string, inMs = 60_000, secret = SECRET) => signJoinToken(secret, { sessionId, peerId, expiresAt: Date.now() + inMs })

/** A real P2pSession in Node, recording its errors and states. */
function peer(options: Partial<P2pSessionOptions> & Pick<P2pSessionOptions, "cableUrl" | "sessionId" | "peerId">) {
  const session = new P2pSession({ RTCPeerConnection, WebSocket, ...options })
  const errors: P2pError[] = []
  const states: SessionState[] = []
  session.on("error", (error) => errors.push(error))
  session.on("state", (state) => states.push(state))
  return { session, errors, states }
}

describe("every way joining fails reaches the app with a code that names it", () => {
  let t: TestServer
  const sessions: P2pSession[] = []
  const pool = new RawClientPool()
  const start = (options: Parameters<typeof peer>[0]) => {
    const p = peer(options)
    sessions.push(p.session)
    p.session.start()
    return p
  }
  afterEach(async () => {
    for (const session of sessions.splice(0)) session.stop()
    pool.closeAll()
    await t?.close()
  })

  it.each([
    ["invalid_token", () => token("room", "ann", 60_000, "another-secret-0123456789")],
    ["token_expired", () => token("room", "ann", -1000)],
    ["missing_token", () => undefined],
    ["invalid_token", () => token("room", "somebody-else")],
  ] as Array<[string, () => string | undefined]>)("%s", async (code, makeToken) => {
    t = await startTestServer()
    const p = start({ cableUrl: t.cableUrl, sessionId: "room", peerId: "ann", token: makeToken() })
    await eventually(() => p.errors.length > 0, 5000, "an error")
    expect(p.errors.map((error) => error.code)).toEqual([code])
    expect(p.errors[0]!.message).not.toBe("")
    expect(p.session.state).toBe("closed")
  })

  it("bad_identifier and invalid_config are thrown where the session is made, naming what is wrong", () => {
    expect(() => peer({ cableUrl: "ws://x/cable", sessionId: "has space", peerId: "p" })).toThrow(expect.objectContaining({ code: "bad_identifier" }))
    expect(() => peer({ cableUrl: "ws://x/cable", sessionId: "s", peerId: "p", config: { keepCableconnection: true } as never })).toThrow(
      expect.objectContaining({ code: "invalid_config", message: expect.stringMatching(/unknown key "keepCableconnection" \(did you mean "keepCableConnection"\?\)/) }),
    )
    expect(() => peer({ cableUrl: "ws://x/cable", sessionId: "s", peerId: "p", config: { heartbeat: { interval_mls: 2000, idle_timeout_mls: 1000 } } })).toThrow(/heartbeat.idle_timeout_mls \(1000\) must exceed heartbeat.interval_mls \(2000\)/)
    expect(() => new P2pSession({ cableUrl: "ws://x/cable", sessionId: "s", peerId: "p", RTCPeerConnection })).toThrow(/no WebSocket here; in Node pass one: import WebSocket from "ws"/)
  })

  it("p2pFrameTag and signJoinToken refuse what the client or server would refuse, naming it", () => {
    const base = { secret: SECRET, sessionId: "s", peerId: "p" }
    expect(() => p2pFrameTag({ ...base, config: { iceServers: [] } as never })).toThrow(/p2pFrameTag: p2p config: unknown key "iceServers" \(did you mean "ice_servers"\?\)/)
    expect(() => p2pFrameTag({ ...base, config: { ice_servers: [{ url: "stun:x" }] } as never })).toThrow(/unknown key "ice_servers\[0\].url"/)
    expect(() => p2pFrameTag({ ...base, config: { keepCableConnection: "yes" } as never })).toThrow(/keepCableConnection must be true or false/)
    expect(() => p2pFrameTag({ ...base, config: { ice_transport_policy: "turn" } as never })).toThrow(/ice_transport_policy must be "all" or "relay"/)
    expect(() => signJoinToken("short", { sessionId: "s", peerId: "p", expiresAt: Date.now() })).toThrow(/at least 16 characters/)
  })

  it("session_full: the peer says so once, waits in state full, and joins by itself when a place frees up", async () => {
    t = await startTestServer({ maxPeersPerSession: 1 })
    const host = await pool.connect(t.cableUrl)
    const hostId = t.identifier("small", "host")
    await host.join(hostId)
    const p = start({ cableUrl: t.cableUrl, sessionId: "small", peerId: "ann", token: token("small", "ann") })
    await eventually(() => p.session.state === "full", 5000, "state full")
    await new Promise((resolve) => setTimeout(resolve, 1500)) // a retry or two, still full
    expect(p.errors.map((error) => error.code)).toEqual(["session_full"])
    host.close()
    await eventually(() => p.session.state === "connected", 10_000, "joined once the host left")
    expect(p.session.iamHost).toBe(true)
  })

  it("signaling_unreachable: a wrong cable URL is reported after a few seconds, while it keeps trying", async () => {
    const port = await freePort()
    t = await startTestServer()
    const p = start({ cableUrl: `ws://127.0.0.1:${port}/cable`, sessionId: "room", peerId: "ann", token: token("room", "ann") })
    await eventually(() => p.errors.length > 0, 8000, "an error")
    expect(p.errors[0]).toMatchObject({ code: "signaling_unreachable" })
    expect(p.errors[0]!.message).toContain(`ws://127.0.0.1:${port}/cable`)
    expect(p.session.state).toBe("negotiating")
    // The server comes up on that port: the peer gets in without anything else being done.
    const late = new SignalingServer({ secret: SECRET, logger: silentLogger })
    await late.listen(port)
    try {
      await eventually(() => p.session.state === "connected", 15_000, "connected once the server is there")
    } finally {
      p.session.stop()
      await late.close()
    }
  }, 30_000)

  it("origin_not_allowed: a runtime that sees the 403 reports it", async () => {
    t = await startTestServer()
    class FromElsewhere extends WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols, { origin: "https://elsewhere.example" })
      }
    }
    const p = start({ cableUrl: t.cableUrl, sessionId: "room", peerId: "ann", token: token("room", "ann"), WebSocket: FromElsewhere })
    await eventually(() => p.errors.length > 0, 8000, "an error")
    expect(p.errors[0]).toMatchObject({ code: "origin_not_allowed" })
  })

  it("peer_replaced: another session with the same peer id takes over", async () => {
    t = await startTestServer()
    const first = start({ cableUrl: t.cableUrl, sessionId: "room", peerId: "ann", token: token("room", "ann"), config: { keepCableConnection: true } })
    await eventually(() => first.session.state === "connected", 5000, "first connected")
    start({ cableUrl: t.cableUrl, sessionId: "room", peerId: "ann", token: token("room", "ann") })
    await eventually(() => first.errors.length > 0, 5000, "an error")
    expect(first.errors.map((error) => error.code)).toEqual(["peer_replaced"])
    expect(first.session.state).toBe("closed")
  })
})

describe("tokens that renew", () => {
  it("a session whose token expired rejoins after a server restart with a fresh one from tokenProvider; without one it is told token_expired", async () => {
    const port = await freePort()
    let server = new SignalingServer({ secret: SECRET, logger: silentLogger })
    await server.listen(port)
    const cableUrl = `ws://127.0.0.1:${port}/cable`
    let minted = 0
    const renewing = peer({ cableUrl, sessionId: "a", peerId: "host", tokenProvider: () => (minted += 1, token("a", "host", 1500)) })
    const stale = peer({ cableUrl, sessionId: "b", peerId: "host", token: token("b", "host", 1500) })
    renewing.session.start()
    stale.session.start()
    try {
      await eventually(() => renewing.session.state === "connected" && stale.session.state === "connected", 5000, "both hosts connected")
      await new Promise((resolve) => setTimeout(resolve, 2000)) // both tokens have expired
      await server.close()
      server = new SignalingServer({ secret: SECRET, logger: silentLogger })
      await server.listen(port)
      await eventually(() => server.stats().subscriptions === 1, 15_000, "the renewing host re-subscribed")
      expect(minted).toBeGreaterThanOrEqual(2)
      expect(renewing.errors).toEqual([])
      await eventually(() => stale.errors.length > 0, 10_000, "the stale host refused")
      expect(stale.errors.map((error) => error.code)).toEqual(["token_expired"])
    } finally {
      renewing.session.stop()
      stale.session.stop()
      await server.close()
    }
  }, 40_000)

  it("a tokenProvider that throws, then rejects, is reported each time and asked again; its first token joins", async () => {
    const t = await startTestServer()
    let asked = 0
    const p = peer({
      cableUrl: t.cableUrl,
      sessionId: "broken-provider",
      peerId: "host",
      tokenProvider: () => {
        asked += 1
        if (asked === 1) throw new Error("no token yet")
        if (asked === 2) return Promise.reject(new Error("token service down"))
        return token("broken-provider", "host")
      },
    })
    p.session.start()
    try {
      await eventually(() => p.session.state === "connected", 10_000, "joined with the third answer (two retries, about 1 s and 2 s apart)")
      expect(asked).toBe(3)
      expect(p.errors.map((error) => [error.code, (error.cause as Error).message])).toEqual([
        ["token_expired", "no token yet"],
        ["token_expired", "token service down"],
      ])
    } finally {
      p.session.stop()
      await t.close()
    }
  }, 15_000)
})

describe("send() refuses what JSON cannot carry, and says why", () => {
  it.each([
    [{ bytes: new Uint8Array([1, 2, 3]) }, /the message.bytes is binary data \(Uint8Array\) inside a JSON value/],
    [[new ArrayBuffer(4)], /binary data \(ArrayBuffer\) inside a JSON value/],
    [new Map([["a", 1]]), /is a Map, which JSON does not carry faithfully/],
    [{ when: new Date(0) }, /the message.when is a Date/],
    [[1, undefined], /the message\[1\] is undefined/],
    [Number.NaN, /NaN, which JSON turns into null/],
    [10n, /bigint/],
  ])("%#: refused with unsupported_data", (data, why) => {
    const p = peer({ cableUrl: "ws://127.0.0.1:9/cable", sessionId: "s", peerId: "p" })
    expect(p.session.send(data)).toBe(false)
    expect(p.errors).toHaveLength(1)
    expect(p.errors[0]).toMatchObject({ code: "unsupported_data", message: expect.stringMatching(why) })
  })

  it("plain JSON data passes the check (and waits for a connection)", () => {
    const p = peer({ cableUrl: "ws://127.0.0.1:9/cable", sessionId: "s", peerId: "p" })
    expect(p.session.send({ text: "hi", n: 1, list: [true, null, "x"], skipped: undefined })).toBe(false)
    expect(p.errors).toEqual([])
  })
})
