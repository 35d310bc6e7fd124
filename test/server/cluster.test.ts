import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { peerStream, sessionStream } from "../../src/server/store/Broker.js"
import { RawCableClient } from "../helpers/RawCableClient.js"
import { startRedis, type RedisProcess } from "../helpers/redisServer.js"
import { startServe } from "../helpers/cli.js"
import { eventually, SECRET, startTestServer, type TestServer } from "../helpers/testServer.js"

const JOIN = { type: "Connection", state: "SessionJoin" }

describe("two signaling nodes on one Redis", () => {
  let redis: RedisProcess
  let a: TestServer
  let b: TestServer
  const clients: RawCableClient[] = []
  const connect = async (node: TestServer) => {
    const client = await RawCableClient.connect(node.cableUrl)
    clients.push(client)
    return client
  }

  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
  })
  beforeEach(async () => {
    await redis.client().flushall()
    a = await startTestServer({ redis: redis.url, maxPeersPerSession: 3, pingIntervalMs: 200, livenessTimeoutMs: 2000, hostLeaseMs: 1000 })
    b = await startTestServer({ redis: redis.url, maxPeersPerSession: 3, pingIntervalMs: 200, livenessTimeoutMs: 2000, hostLeaseMs: 1000 })
  })
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close()
    await a.close()
    await b.close()
  })

  it("a host on node A and a client on node B complete the handshake", async () => {
    const [host, bob] = [await connect(a), await connect(b)]
    const ids = { alice: a.identifier("room", "alice"), bob: b.identifier("room", "bob") }
    expect(await host.join(ids.alice)).toMatchObject({ host_peer_id: "alice" })
    expect(await bob.join(ids.bob)).toMatchObject({ host_peer_id: "alice", peer_id: "bob" })
    expect(await host.message(ids.alice, "SessionReady")).toMatchObject({ peer_id: "bob" })
    host.perform(ids.alice, { type: "Connection", state: "SdpOffer", to_peer_id: "bob", sdp: { type: "offer", sdp: "v=0 A" } })
    expect(await bob.message(ids.bob, "SdpOffer")).toMatchObject({ peer_id: "alice", sdp: { sdp: "v=0 A" } })
    bob.perform(ids.bob, { type: "Connection", state: "SdpAnswer", to_peer_id: "alice", sdp: { type: "answer", sdp: "v=0 B" } })
    expect(await host.message(ids.alice, "SdpAnswer")).toMatchObject({ peer_id: "bob" })
    host.close()
    expect(await bob.message(ids.bob, "SessionReset")).toMatchObject({ host_peer_id: "alice", reason: "host_left" })
  })

  it("messages on Redis that are not envelopes are dropped before any listener sees them; the node carries on", async () => {
    const host = await connect(a)
    const id = a.identifier("room", "alice")
    await host.join(id)
    const publisher = redis.client()
    for (const junk of ["not json", "null", "[]", '{"kind":"deliver"}', '{"kind":"deliver","message":null}', '{"kind":"evict"}', '{"kind":"probe","subscriptionId":7}', '{"kind":"other"}']) {
      await publisher.publish(peerStream("room", "alice"), junk)
      await publisher.publish(sessionStream("room"), junk)
    }
    const bob = await connect(b)
    expect(await bob.join(b.identifier("room", "bob"))).toMatchObject({ host_peer_id: "alice" })
    expect(await host.message(id, "SessionReady")).toMatchObject({ peer_id: "bob" })
    expect(host.frames.filter((f) => f.identifier === id && !f.message?.state)).toEqual([])
  })

  it("joins racing on both nodes elect exactly one host", async () => {
    for (let round = 0; round < 5; round += 1) {
      const peers = await Promise.all(Array.from({ length: 8 }, (_, i) => connect(i % 2 ? b : a)))
      const ids = peers.map((_, i) => (i % 2 ? b : a).identifier(`race-${round}`, `p${i}`))
      await Promise.all(peers.map(async (client, i) => {
        client.subscribe(ids[i]!)
        await client.next((f) => f.type === "confirm_subscription")
      }))
      peers.forEach((client, i) => client.perform(ids[i]!, JOIN))
      const outcomes = await Promise.all(peers.map((client, i) => client.next((f) => f.identifier === ids[i] && (f.message?.state === "SessionReady" || f.message?.state === "Error"))))
      const readies = outcomes.map((frame) => frame.message).filter((message) => message.state === "SessionReady")
      expect(new Set(readies.map((message) => message.host_peer_id)).size).toBe(1)
      expect(readies.filter((message) => message.host_peer_id === message.peer_id)).toHaveLength(1)
      // maxPeersPerSession (3) holds across the cluster: the rest are refused.
      expect(readies).toHaveLength(3)
      expect(outcomes.filter((frame) => frame.message.code === "session_full")).toHaveLength(5)
    }
  })

  it("a peer id subscribing on another node replaces the first subscription there", async () => {
    const [host, bobOnA, bobOnB] = [await connect(a), await connect(a), await connect(b)]
    const ids = { alice: a.identifier("room", "alice"), bob: a.identifier("room", "bob") }
    await host.join(ids.alice)
    await bobOnA.join(ids.bob)
    await bobOnB.join(ids.bob)
    expect(await bobOnA.message(ids.bob, "Error")).toMatchObject({ code: "peer_replaced" })
  })

  it("a host whose node dies keeps its role when it comes back through another node", async () => {
    const nodeA = await startServe(["--redis", redis.url], { P2P_STREAMS_CHANNEL_SECRET: SECRET })
    const host = await RawCableClient.connect(nodeA.cableUrl)
    const bob = await connect(b)
    const ids = { alice: b.identifier("room", "alice"), bob: b.identifier("room", "bob") }
    await host.join(ids.alice)
    await bob.join(ids.bob)
    await nodeA.stop("SIGKILL")
    await host.closed()
    const again = await connect(b)
    expect(await again.join(ids.alice)).toMatchObject({ host_peer_id: "alice", peer_id: "alice" })
    expect(bob.frames.filter((f) => f.message?.state === "SessionReset")).toEqual([])
    bob.perform(ids.bob, JOIN)
    expect(await again.message(ids.alice, "SessionReady")).toMatchObject({ host_peer_id: "alice", peer_id: "bob" })
  })

  it("a Redis restart is survived: /healthz and /metrics say so, then hosts re-register and joins work again", async () => {
    const host = await connect(a)
    const idHost = a.identifier("room", "alice")
    await host.join(idHost)
    await redis.stop({ crash: true })
    await new Promise((resolve) => setTimeout(resolve, 500))
    const health = await fetch(`${b.httpUrl}/healthz`)
    expect(health.status).toBe(503)
    expect(await health.json()).toMatchObject({ status: "store_unreachable" })
    const bob = await connect(b)
    const idBob = b.identifier("room", "bob")
    bob.subscribe(idBob)
    // Not confirmed, and not told anything an official client would choke on: it re-sends subscribe.
    await eventually(async () => (await (await fetch(`${b.httpUrl}/metrics`)).text()).includes('p2p_rejections_total{reason="store_unavailable"}'), 8000, "store_unavailable counted")
    expect(bob.frames.filter((f) => f.type !== "ping" && f.type !== "welcome")).toEqual([])
    await redis.restart()
    // The empty Redis learns the host back from its node's lease renewal.
    await eventually(async () => (await redis.client().hget("p2p:sess:room", "host")) === "alice", 8000, "host re-registered")
    // Like the official client, re-send subscribe until it is confirmed.
    await eventually(async () => {
      bob.subscribe(idBob)
      return bob.next((f) => f.identifier === idBob && f.type === "confirm_subscription", 500).then(() => true, () => false)
    }, 8000, "subscribed again")
    bob.perform(idBob, JOIN)
    expect(await bob.message(idBob, "SessionReady", 5000)).toMatchObject({ host_peer_id: "alice", peer_id: "bob" })
  }, 30_000)
})
