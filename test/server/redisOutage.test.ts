import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { RawClientPool, type Frame, type RawCableClient } from "../helpers/RawCableClient.js"
import { startRedis, type RedisProcess } from "../helpers/redisServer.js"
import { eventually, startTestServer, type TestServer } from "../helpers/testServer.js"

const JOIN = { type: "Connection", state: "SessionJoin" }

describe("a Redis outage: everything a node holds is released or re-registered", () => {
  let redis: RedisProcess
  let t: TestServer
  const pool = new RawClientPool()
  const connect = () => pool.connect(t.cableUrl)
  const healthy = async () => (await fetch(`${t.httpUrl}/healthz`)).status === 200
  /** Joins, trying again while the store is still coming back, as the client does. */
  const joinWhenBack = async (client: RawCableClient, identifier: string): Promise<Frame> => {
    let ready: Frame | undefined
    await eventually(async () => {
      client.perform(identifier, JOIN)
      const answer = await client.next((f) => f.identifier === identifier && ["SessionReady", "Error"].includes(f.message?.state), 1000).catch(() => undefined)
      if (answer?.message.state === "SessionReady") ready = answer.message
      return ready !== undefined
    }, 8000, "joined after the outage")
    return ready!
  }

  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
  })
  beforeEach(async () => {
    await redis.client().flushall()
    // Leases as in production (15 s): a dead host handed out after the outage would show.
    t = await startTestServer({ redis: redis.url, pingIntervalMs: 300, maxPeersPerSession: 3 })
  })
  afterEach(async () => {
    pool.closeAll()
    await t.close()
  })

  it("a host connection with two sessions that closes during the outage is released from both once Redis is back", async () => {
    const host = await connect()
    const ids = { one: t.identifier("one", "old-host"), two: t.identifier("two", "old-host") }
    await host.join(ids.one)
    await host.join(ids.two)
    await redis.stop({ crash: true })
    await eventually(async () => !(await healthy()), 3000, "/healthz reports the outage")
    expect(await (await fetch(`${t.httpUrl}/healthz`)).json()).toMatchObject({ status: "store_unreachable" })
    host.close()
    await eventually(() => t.server.stats().connections === 0, 3000, "the host's socket closed")
    // Long enough for the node's attempts to release the subscriptions to fail.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    await redis.restart()
    await eventually(healthy, 8000, "/healthz ok again")

    for (const session of ["one", "two"]) {
      const joiner = await connect()
      const id = t.identifier(session, "new-host")
      joiner.subscribe(id)
      await joiner.next((f) => f.identifier === id && f.type === "confirm_subscription", 5000)
      // Long before the old host's 15 s lease could lapse, the new peer is host: nobody is handed a dead one.
      expect(await joinWhenBack(joiner, id)).toMatchObject({ host_peer_id: "new-host", peer_id: "new-host" })
    }
  }, 30_000)

  it("after Redis restarts empty, the host, its subscribed clients and the clients it reported connected are members again", async () => {
    const [host, bob] = [await connect(), await connect()]
    const ids = { host: t.identifier("room", "host"), bob: t.identifier("room", "bob"), carol: t.identifier("room", "carol") }
    await host.join(ids.host)
    await bob.join(ids.bob)
    // Carol joined, connected over WebRTC (the host reports it) and left signaling.
    const carol = await connect()
    await carol.join(ids.carol)
    host.perform(ids.host, { type: "Connection", state: "PeerConnected", client_peer_id: "carol" })
    await new Promise((resolve) => setTimeout(resolve, 100))
    carol.close()

    await redis.stop({ crash: true })
    await new Promise((resolve) => setTimeout(resolve, 500))
    await redis.restart()
    await eventually(async () => (await redis.client().hget("p2p:sess:room", "m:carol")) === "1", 8000, "re-registered")

    // Bob still signals the host, as a member.
    bob.perform(ids.bob, { type: "Connection", state: "IceCandidate", to_peer_id: "host", candidate: null })
    expect(await host.message(ids.host, "IceCandidate")).toMatchObject({ peer_id: "bob" })
    // Carol still holds her place: with host, bob and carol the session (at most 3) is full.
    const dave = await connect()
    const daveId = t.identifier("room", "dave")
    dave.subscribe(daveId)
    await dave.next((f) => f.identifier === daveId && f.type === "confirm_subscription")
    dave.perform(daveId, JOIN)
    expect(await dave.message(daveId, "Error")).toMatchObject({ code: "session_full" })
    expect(host.frames.filter((f) => f.message?.state === "SessionReset")).toEqual([])
  }, 30_000)
})
