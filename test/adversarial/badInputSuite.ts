import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest"
import { buildChannelIdentifier } from "../../src/protocol/ChannelIdentifier.js"
import { signJoinToken } from "../../src/server/JoinToken.js"
import { RawCableClient } from "../helpers/RawCableClient.js"
import { SECRET } from "../helpers/testServer.js"
import type { AttackTarget, TargetFactory } from "./targets.js"

const JOIN = { type: "Connection", state: "SessionJoin" }

/** Each identifier, subscribed, hears an Error with its code, then a reject with it as reason. */
async function expectRejected(client: RawCableClient, cases: Array<[string, string]>): Promise<void> {
  for (const [identifier, reason] of cases) {
    client.subscribe(identifier)
    expect(await client.message(identifier, "Error")).toMatchObject({ code: reason })
    expect(await client.next((f) => f.identifier === identifier)).toEqual({ identifier, type: "reject_subscription", reason })
  }
}

const LIMITS = { maxPayload: 4096, rateLimitPerSecond: 20, rateLimitBurst: 40 }

/**
 * Bad input, one frame or request at a time: each is refused with the code docs/protocol.md names,
 * answered where the client can route the answer, and harms no other session. One suite, both servers.
 */
export function describeBadInput(label: string, targets: TargetFactory): void {
  describe(`bad input is refused with a reason and harms nothing else: ${label}`, () => {
    let t: AttackTarget
    let bystander: RawCableClient
    let bystanderId: string
    const clients: RawCableClient[] = []
    const connect = async (options = {}) => {
      const client = await RawCableClient.connect(t.cableUrl, options)
      clients.push(client)
      await client.welcomed()
      return client
    }
    /** Where the server counts refusals (the Node server's /metrics), the count is exact. */
    const expectCounted = async (code: string, count: number | ((n: number) => boolean)) => {
      const counted = await t.refusals(code)
      if (counted === undefined) return
      if (typeof count === "number") expect(counted).toBe(count)
      else expect(count(counted)).toBe(true)
    }

    beforeEach(async () => {
      t = await targets.start(LIMITS)
      bystander = await connect()
      bystanderId = t.identifier("quiet-room", "host")
      await bystander.join(bystanderId)
    })
    afterEach(async () => {
      // The bystander's session is untouched: its subscription still works and it was never reset.
      bystander.perform(bystanderId, JOIN)
      expect(await bystander.message(bystanderId, "SessionReady")).toMatchObject({ host_peer_id: "host" })
      expect(bystander.frames.filter((f) => f.message?.state === "SessionReset")).toEqual([])
      for (const client of clients.splice(0)) client.close()
      await t.close()
    })
    afterAll(() => targets.tearDown())

    it("malformed JSON is not answered (as Rails does); the connection stays usable", async () => {
      const client = await connect()
      client.send("{not json")
      const id = t.identifier("r", "p")
      client.subscribe(id)
      expect(await client.next((f) => f.identifier === id)).toMatchObject({ type: "confirm_subscription" })
      await expectCounted("malformed_json", 1)
      expect(client.frames.filter((f) => f.type !== "ping" && f.type !== "welcome")).toEqual([])
    })

    it("frames that are not commands are refused as malformed_frame or unknown_command; only a named identifier hears back", async () => {
      const client = await connect()
      client.send("[1,2,3]")
      client.send({ command: "subscribe" })
      client.send({ command: "explode", identifier: "{}" })
      const stranger = t.identifier("r", "p")
      client.send({ command: "message", identifier: stranger, data: "{}" })
      expect(await client.message(stranger, "Error")).toMatchObject({ code: "unknown_subscription" })
      await expectCounted("malformed_frame", 2)
      await expectCounted("unknown_command", 1)
      expect(client.frames.filter((f) => f.type !== "ping" && f.type !== "welcome")).toEqual([])
    })

    it("bad identifiers and unknown channels are rejected with the code as reason", async () => {
      const client = await connect()
      const cases: Array<[string, string]> = [
        ["not json", "bad_identifier"],
        [JSON.stringify({ channel: "OtherChannel", session_id: "r", peer_id: "p" }), "unknown_channel"],
        [JSON.stringify({ channel: "P2pStreamsChannel::SignalingChannel", session_id: "has space", peer_id: "p" }), "bad_identifier"],
        [JSON.stringify({ channel: "P2pStreamsChannel::SignalingChannel", session_id: "r", peer_id: "x".repeat(200) }), "bad_identifier"],
        [JSON.stringify({ ...JSON.parse(t.identifier("room", "p")), padding: "x".repeat(2100) }), "bad_identifier"],
      ]
      await expectRejected(client, cases)
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
      await expectRejected(client, cases)
      await expectCounted("invalid_token", 4)
      await expectCounted("token_expired", 1)
    })

    it("bad signaling messages get an Error on the subscription", async () => {
      const client = await connect()
      const id = t.identifier("r", "p")
      client.subscribe(id)
      await client.next((f) => f.type === "confirm_subscription")
      client.send({ command: "message", identifier: id, data: "nope" })
      expect(await client.message(id, "Error")).toMatchObject({ code: "malformed_json" })
      client.send({ command: "message", identifier: id, data: "[1]" })
      expect(await client.message(id, "Error")).toMatchObject({ code: "bad_message" })
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
      await expectCounted("binary_not_supported", 1)
    })

    it("oversized frames close the socket with 1009, and nothing of them is echoed", async () => {
      const client = await connect()
      client.send({ command: "subscribe", identifier: "y".repeat(10_000) })
      expect((await client.closed()).code).toBe(1009)
      expect(client.frames.filter((f) => f.type !== "ping" && f.type !== "welcome")).toEqual([])
      await expectCounted("payload_too_large", 1)
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
      await expectCounted("rate_limited", (n) => n > 40)
    })

    it("subscribe frames count against the rate limit too", async () => {
      const client = await connect()
      const broken = JSON.stringify({ channel: "P2pStreamsChannel::SignalingChannel", session_id: "r" })
      for (let i = 0; i < 2000; i += 1) client.subscribe(broken)
      expect(await client.next((f) => f.type === "disconnect")).toEqual({ type: "disconnect", reason: "rate_limited", reconnect: false })
      expect((await client.closed()).code).toBe(1008)
      // At most a burst and a second's worth of them were answered.
      expect(client.frames.filter((f) => f.type === "reject_subscription").length).toBeLessThanOrEqual(LIMITS.rateLimitBurst + LIMITS.rateLimitPerSecond * 2)
    })

    it("a disallowed Origin is refused at the upgrade with 403; the page's own origin is let in", async () => {
      await expect(RawCableClient.connect(t.cableUrl, { origin: "https://evil.example" })).rejects.toThrow(/403/)
      await expect(RawCableClient.connect(t.cableUrl, { origin: "null" })).rejects.toThrow(/403/)
      await expectCounted("origin_not_allowed", 2)
      const sameOrigin = await connect({ origin: t.httpUrl })
      expect(sameOrigin.socket.readyState).toBe(1)
    })

    it("a client that does not offer actioncable-v1-json is refused with 400", async () => {
      await expect(RawCableClient.connect(t.cableUrl, { protocols: ["chat"] })).rejects.toThrow(/400/)
      await expect(RawCableClient.connect(t.cableUrl, { protocols: [] })).rejects.toThrow(/400/)
      await expectCounted("unsupported_protocol", 2)
    })
  })

  describe(`subscriptions per connection are capped: ${label}`, () => {
    afterAll(() => targets.tearDown())

    it("the third of two allowed is rejected too_many_subscriptions; the first two work", async () => {
      const t = await targets.start({ maxSubscriptionsPerConnection: 2 })
      const client = await RawCableClient.connect(t.cableUrl)
      await client.welcomed()
      const [a, b] = [t.identifier("r", "a"), t.identifier("r", "b")]
      for (const id of [a, b]) {
        client.subscribe(id)
        await client.next((f) => f.identifier === id && f.type === "confirm_subscription")
      }
      const third = t.identifier("r", "c")
      client.subscribe(third)
      expect(await client.message(third, "Error")).toMatchObject({ code: "too_many_subscriptions" })
      expect(await client.next((f) => f.identifier === third && f.type !== undefined)).toMatchObject({ type: "reject_subscription", reason: "too_many_subscriptions" })
      client.perform(a, JOIN)
      expect(await client.message(a, "SessionReady")).toMatchObject({ peer_id: "a" })
      client.close()
      await t.close()
    })
  })
}
