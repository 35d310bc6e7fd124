import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildChannelIdentifier } from "../../src/protocol/ChannelIdentifier.js"
import { signJoinToken } from "../../src/server/JoinToken.js"
import { RawClientPool, type Frame, type RawCableClient } from "../helpers/RawCableClient.js"
import { startRails, type RailsProcess } from "../helpers/railsServer.js"
import { startRedis, type RedisProcess } from "../helpers/redisServer.js"
import { eventually } from "../helpers/testServer.js"

const SECRET = "rails-outage-secret-0123456789"
const JOIN = { type: "Connection", state: "SessionJoin" }
const identifier = (sessionId: string, peerId: string) => buildChannelIdentifier(sessionId, peerId, signJoinToken(SECRET, { sessionId, peerId, expiresAt: Date.now() + 60_000 }))

describe("a Redis outage under the Rails gem: everything a process holds is released or re-registered", () => {
  let redis: RedisProcess
  let rails: RailsProcess
  const pool = new RawClientPool()
  beforeAll(async () => {
    redis = await startRedis()
    // The cable's own pub/sub stays in the process (async adapter): only the session store is on Redis.
    rails = await startRails({ P2P_STREAMS_CHANNEL_SECRET: SECRET, P2P_STREAMS_CHANNEL_STORE: redis.url })
  }, 60_000)
  afterAll(async () => {
    pool.closeAll()
    await rails?.stop()
    await redis?.stop()
  })

  /** Joins, trying again while the store is still coming back. */
  async function joinWhenBack(client: RawCableClient, id: string): Promise<Frame> {
    let ready: Frame | undefined
    await eventually(async () => {
      client.perform(id, JOIN)
      const answer = await client.next((f) => f.identifier === id && ["SessionReady", "Error"].includes(f.message?.state), 1000).catch(() => undefined)
      if (answer?.message.state === "SessionReady") ready = answer.message
      return ready !== undefined
    }, 10_000, "joined after the outage")
    return ready!
  }

  it("a host with two sessions that closes during the outage is released from both once Redis is back", async () => {
    const host = await pool.connect(rails.cableUrl)
    const ids = { one: identifier("one", "old-host"), two: identifier("two", "old-host") }
    await host.join(ids.one)
    await host.join(ids.two)
    await redis.stop({ crash: true })
    host.close()
    await new Promise((resolve) => setTimeout(resolve, 1500))
    await redis.restart()
    for (const session of ["one", "two"]) {
      const joiner = await pool.connect(rails.cableUrl)
      const id = identifier(session, "new-host")
      joiner.subscribe(id)
      await joiner.next((f) => f.identifier === id && f.type === "confirm_subscription", 8000)
      expect(await joinWhenBack(joiner, id)).toMatchObject({ host_peer_id: "new-host", peer_id: "new-host" })
    }
  }, 40_000)

  it("after Redis restarts empty, the host, its subscribed client and the client it reported connected are members again", async () => {
    const [host, bob, carol] = [await pool.connect(rails.cableUrl), await pool.connect(rails.cableUrl), await pool.connect(rails.cableUrl)]
    const ids = { host: identifier("room", "host"), bob: identifier("room", "bob"), carol: identifier("room", "carol") }
    expect(await host.join(ids.host)).toMatchObject({ host_peer_id: "host" })
    expect(await bob.join(ids.bob)).toMatchObject({ host_peer_id: "host" })
    expect(await carol.join(ids.carol)).toMatchObject({ host_peer_id: "host" })
    host.perform(ids.host, { type: "Connection", state: "PeerConnected", client_peer_id: "carol" })
    await new Promise((resolve) => setTimeout(resolve, 200))
    carol.close()
    await redis.stop({ crash: true })
    await new Promise((resolve) => setTimeout(resolve, 1000))
    await redis.restart()
    await eventually(async () => (await redis.client().hget("p2p:sess:room", "m:carol")) === "1", 15_000, "re-registered")
    bob.perform(ids.bob, { type: "Connection", state: "IceCandidate", to_peer_id: "host", candidate: null })
    expect(await host.message(ids.host, "IceCandidate", 5000)).toMatchObject({ peer_id: "bob" })
    expect(host.frames.filter((f) => f.message?.state === "SessionReset")).toEqual([])
  }, 40_000)
})
