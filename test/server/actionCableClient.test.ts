import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { ActionCable } from "../helpers/nodeActionCable.js"
import { eventually, SECRET, startTestServer, type TestServer } from "../helpers/testServer.js"
import { signJoinToken } from "../../src/server/JoinToken.js"

type Consumer = ReturnType<typeof ActionCable.createConsumer>

interface Peer {
  consumer: Consumer
  received: Array<Record<string, unknown>>
  events: string[]
  subscription: ReturnType<Consumer["subscriptions"]["create"]>
}

function join(t: TestServer, sessionId: string, peerId: string, token?: string): Peer {
  const consumer = ActionCable.createConsumer(t.cableUrl)
  const received: Array<Record<string, unknown>> = []
  const events: string[] = []
  const params = {
    channel: "P2pStreamsChannel::SignalingChannel",
    session_id: sessionId,
    peer_id: peerId,
    token: token ?? signJoinToken(SECRET, { sessionId, peerId, expiresAt: Date.now() + 60_000 }),
  }
  const subscription = consumer.subscriptions.create(params, {
    connected() {
      events.push("connected")
      this.send({ type: "Connection", state: "SessionJoin" })
    },
    rejected() {
      events.push("rejected")
    },
    disconnected() {
      events.push("disconnected")
    },
    received(message: Record<string, unknown>) {
      received.push(message)
    },
  })
  return { consumer, received, events, subscription }
}

describe("the official @rails/actioncable client", () => {
  let t: TestServer
  const peers: Peer[] = []

  beforeEach(async () => {
    t = await startTestServer()
  })
  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.consumer.disconnect()
    await t.close()
  })

  it("subscribes, joins, and negotiates through send/perform unmodified", async () => {
    const alice = join(t, "chat_room_1", "user_1")
    peers.push(alice)
    await eventually(() => alice.received.some((m) => m.state === "SessionReady"), 3000, "host SessionReady")
    expect(alice.received[0]).toEqual({ type: "Connection", state: "SessionReady", host_peer_id: "user_1", peer_id: "user_1" })

    const bob = join(t, "chat_room_1", "user_2")
    peers.push(bob)
    await eventually(() => bob.received.some((m) => m.state === "SessionReady"), 3000, "client SessionReady")
    await eventually(() => alice.received.some((m) => m.peer_id === "user_2"), 3000, "host told of the joiner")

    alice.subscription.perform("receive", { type: "Connection", state: "SdpOffer", to_peer_id: "user_2", sdp: { type: "offer", sdp: "v=0" } })
    await eventually(() => bob.received.some((m) => m.state === "SdpOffer"), 3000, "offer relayed")
    expect(bob.received.find((m) => m.state === "SdpOffer")).toMatchObject({ peer_id: "user_1", to_peer_id: "user_2" })
    expect(bob.events).toEqual(["connected"])
  })

  it("gets `rejected` for a forged token", async () => {
    const mallory = join(t, "chat_room_1", "user_9", "v1.9999999999.forged")
    peers.push(mallory)
    await eventually(() => mallory.events.includes("rejected"), 3000, "rejection")
    // The reason arrives first, as a message on the subscription (the callback carries none).
    expect(mallory.received).toEqual([{ type: "Connection", state: "Error", code: "invalid_token", message: "join token does not match this session and peer" }])
  })

  it("is told to reconnect when the server stops, and sees the host reset before that", async () => {
    const alice = join(t, "room", "alice")
    const bob = join(t, "room", "bob")
    peers.push(alice, bob)
    await eventually(() => bob.received.some((m) => m.state === "SessionReady"), 3000, "bob ready")
    alice.consumer.disconnect()
    await eventually(() => bob.received.some((m) => m.state === "SessionReset"), 3000, "reset after host left")
    await t.close()
    await eventually(() => bob.events.includes("disconnected"), 3000, "disconnected on server stop")
  })
})
