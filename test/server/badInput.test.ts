import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { buildChannelIdentifier } from "../../src/protocol/ChannelIdentifier.js"
import { signJoinToken } from "../../src/server/JoinToken.js"
import { RawCableClient } from "../helpers/RawCableClient.js"
import { rejections, SECRET, startTestServer, type TestServer } from "../helpers/testServer.js"

const JOIN = { type: "Connection", state: "SessionJoin" }

const metric = (t: TestServer, reason: string) => rejections(t.httpUrl, reason)

describe("bad input is refused with a reason and harms nothing else", () => {
  let t: TestServer
  let bystander: RawCableClient
  let bystanderId: string
  const clients: RawCableClient[] = []
  const connect = async (options = {}) => {
    const client = await RawCableClient.connect(t.cableUrl, options)
    clients.push(client)
    await client.next((f) => f.type === "welcome")
    return client
  }

  beforeEach(async () => {
    t = await startTestServer({ maxPayload: 4096, rateLimitPerSecond: 20, rateLimitBurst: 40 })
    bystander = await connect()
    bystanderId = t.identifier("quiet-room", "host")
    bystander.subscribe(bystanderId)
    await bystander.next((f) => f.type === "confirm_subscription")
    bystander.perform(bystanderId, JOIN)
    await bystander.message(bystanderId, "SessionReady")
  })
  afterEach(async () => {
    // The bystander's session is untouched: its subscription still works and it was never reset.
    bystander.perform(bystanderId, JOIN)
    expect(await bystander.message(bystanderId, "SessionReady")).toMatchObject({ host_peer_id: "host" })
    expect(bystander.frames.filter((f) => f.message?.state === "SessionReset")).toEqual([])
    for (const client of clients.splice(0)) client.close()
    await t.close()
  })

  it("malformed JSON is counted and not answered (as Rails does); the connection stays usable", async () => {
    const client = await connect()
    client.send("{not json")
    const id = t.identifier("r", "p")
    client.subscribe(id)
    expect(await client.next((f) => f.identifier === id)).toMatchObject({ type: "confirm_subscription" })
    expect(await metric(t, "malformed_json")).toBe(1)
    expect(client.frames.filter((f) => f.type !== "ping")).toEqual([])
  })

  it("frames that are not commands are counted as malformed_frame or unknown_command; only a named identifier hears back", async () => {
    const client = await connect()
    client.send("[1,2,3]")
    client.send({ command: "subscribe" })
    client.send({ command: "explode", identifier: "{}" })
    const stranger = t.identifier("r", "p")
    client.send({ command: "message", identifier: stranger, data: "{}" })
    expect(await client.message(stranger, "Error")).toMatchObject({ code: "unknown_subscription" })
    expect(await metric(t, "malformed_frame")).toBe(2)
    expect(await metric(t, "unknown_command")).toBe(1)
    expect(client.frames.filter((f) => f.type !== "ping")).toEqual([])
  })

  it("bad identifiers and unknown channels are rejected", async () => {
    const client = await connect()
    const cases: Array<[string, string]> = [
      ["not json", "bad_identifier"],
      [JSON.stringify({ channel: "OtherChannel", session_id: "r", peer_id: "p" }), "unknown_channel"],
      [JSON.stringify({ channel: "P2pStreamsChannel::SignalingChannel", session_id: "has space", peer_id: "p" }), "bad_identifier"],
      [JSON.stringify({ channel: "P2pStreamsChannel::SignalingChannel", session_id: "r", peer_id: "x".repeat(200) }), "bad_identifier"],
    ]
    for (const [identifier, reason] of cases) {
      client.subscribe(identifier)
      expect(await client.message(identifier, "Error")).toMatchObject({ code: reason })
      expect(await client.next((f) => f.identifier === identifier)).toEqual({ identifier, type: "reject_subscription", reason })
    }
  })

  it("forged, expired, mismatched and missing tokens are rejected", async () => {
    const client = await connect()
    const now = Date.now()
    const cases: Array<[string, string]> = [
      [buildChannelIdentifier("r", "p", signJoinToken("some-other-secret-123", { sessionId: "r", peerId: "p", expiresAt: now + 60_000 })), "invalid_token"],
      [buildChannelIdentifier("r", "p", signJoinToken(SECRET, { sessionId: "r", peerId: "p", expiresAt: now - 1000 })), "token_expired"],
      [buildChannelIdentifier("r", "mallory", signJoinToken(SECRET, { sessionId: "r", peerId: "p", expiresAt: now + 60_000 })), "invalid_token"],
      [buildChannelIdentifier("other-room", "p", signJoinToken(SECRET, { sessionId: "r", peerId: "p", expiresAt: now + 60_000 })), "invalid_token"],
      [buildChannelIdentifier("r", "p"), "missing_token"],
      [buildChannelIdentifier("r", "p", "v1.99999999999.AAAA"), "invalid_token"],
    ]
    for (const [identifier, reason] of cases) {
      client.subscribe(identifier)
      expect(await client.message(identifier, "Error")).toMatchObject({ code: reason })
      expect(await client.next((f) => f.identifier === identifier)).toEqual({ identifier, type: "reject_subscription", reason })
    }
    expect(await metric(t, "invalid_token")).toBe(4)
    expect(await metric(t, "token_expired")).toBe(1)
  })

  it("bad signaling messages get an Error on the subscription", async () => {
    const client = await connect()
    const id = t.identifier("r", "p")
    client.subscribe(id)
    await client.next((f) => f.type === "confirm_subscription")
    client.send({ command: "message", identifier: id, data: "nope" })
    expect(await client.message(id, "Error")).toMatchObject({ code: "malformed_json" })
    client.perform(id, { type: "Chat", state: "SessionJoin" })
    expect(await client.message(id, "Error")).toMatchObject({ code: "unknown_message" })
    client.perform(id, { type: "Connection", state: "Teleport" })
    expect(await client.message(id, "Error")).toMatchObject({ code: "unknown_message" })
    client.perform(id, { type: "Connection", state: "SdpOffer", to_peer_id: "x", sdp: "not an object" })
    expect(await client.message(id, "Error")).toMatchObject({ code: "bad_message" })
  })

  it("binary frames close the socket with 1003 binary_not_supported", async () => {
    const client = await connect()
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true })
    expect(await client.closed()).toEqual({ code: 1003, reason: "binary_not_supported" })
    expect(await metric(t, "binary_not_supported")).toBe(1)
  })

  it("oversized frames close the socket with 1009", async () => {
    const client = await connect()
    client.send({ command: "message", identifier: "x", data: "y".repeat(10_000) })
    expect((await client.closed()).code).toBe(1009)
    expect(await metric(t, "payload_too_large")).toBe(1)
  })

  it("a flood is rate limited (each subscription hears it once a second), then disconnected with reason rate_limited", async () => {
    const client = await connect()
    const id = t.identifier("r", "flooder")
    client.subscribe(id)
    await client.next((f) => f.type === "confirm_subscription")
    for (let i = 0; i < 2000; i += 1) client.send("{}")
    expect(await client.message(id, "Error")).toMatchObject({ code: "rate_limited" })
    expect(await client.next((f) => f.type === "disconnect")).toEqual({ type: "disconnect", reason: "rate_limited", reconnect: false })
    expect((await client.closed()).code).toBe(1008)
    expect(await metric(t, "rate_limited")).toBeGreaterThan(40)
  })

  it("a disallowed Origin is refused at the upgrade with 403", async () => {
    await expect(RawCableClient.connect(t.cableUrl, { origin: "https://evil.example" })).rejects.toThrow(/403/)
    expect(await metric(t, "origin_not_allowed")).toBe(1)
    const sameOrigin = await connect({ origin: t.httpUrl })
    expect(sameOrigin.socket.readyState).toBe(1)
  })

  it("a client that does not offer actioncable-v1-json is refused with 400", async () => {
    await expect(RawCableClient.connect(t.cableUrl, { protocols: ["chat"] })).rejects.toThrow(/400/)
    expect(await metric(t, "unsupported_protocol")).toBe(1)
  })

  it("subscriptions per connection are capped", async () => {
    await t.close()
    t = await startTestServer({ maxSubscriptionsPerConnection: 2 })
    bystander = await connect()
    bystanderId = t.identifier("quiet-room", "host")
    bystander.subscribe(bystanderId)
    await bystander.next((f) => f.type === "confirm_subscription")
    const client = await connect()
    for (const peer of ["a", "b"]) {
      client.subscribe(t.identifier("r", peer))
      await client.next((f) => f.type === "confirm_subscription")
    }
    const third = t.identifier("r", "c")
    client.subscribe(third)
    expect(await client.next((f) => f.identifier === third && f.type !== undefined)).toMatchObject({ type: "reject_subscription", reason: "too_many_subscriptions" })
  })
})
