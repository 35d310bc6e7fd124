import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { RawCableClient } from "../helpers/RawCableClient.js"

const JOIN = { type: "Connection", state: "SessionJoin" }

/** What the suite needs of a server: where to connect, and valid identifiers for its peers. */
export interface ServerUnderTest {
  cableUrl: string
  /** A valid identifier (with a token) for a peer of a session. */
  identifier(sessionId: string, peerId: string): string
  close(): Promise<void>
}

/** The only setting the suite changes. */
export interface ProtocolServerOptions {
  maxPeersPerSession?: number
}

export interface ServerFactory {
  setUp?(): Promise<void>
  tearDown?(): Promise<void>
  /** A server (or a fresh view of a running one) with these settings, its sessions empty. */
  start(options: ProtocolServerOptions): Promise<ServerUnderTest>
}

/**
 * The signaling protocol (docs/protocol.md), as a client sees it over raw frames. One suite, run
 * against every server: the Node server on each backend, and the Rails gem.
 */
export function describeSignalingProtocol(label: string, servers: ServerFactory): void {
  describe(`signaling protocol: ${label}`, () => {
    beforeAll(async () => {
      await servers.setUp?.()
    })
    afterAll(async () => {
      await servers.tearDown?.()
    })
    const start = (options: ProtocolServerOptions = {}) => servers.start(options)

    let t: ServerUnderTest
    const clients: RawCableClient[] = []
    const connect = async () => {
      const client = await RawCableClient.connect(t.cableUrl)
      clients.push(client)
      await client.welcomed()
      return client
    }

    beforeEach(async () => {
      t = await start()
    })
    afterEach(async () => {
      for (const client of clients.splice(0)) client.close()
      await t.close()
    })

    it("negotiates actioncable-v1-json, welcomes, and pings with a unix timestamp", async () => {
      const client = await connect()
      expect(client.socket.protocol).toBe("actioncable-v1-json")
      expect(await client.next((f) => f.type === "welcome")).toEqual({ type: "welcome" })
      const ping = await client.next((f) => f.type === "ping", 4000)
      expect(Math.abs(ping.message - Date.now() / 1000)).toBeLessThan(5)
    })

    it("confirms a subscription with a valid token, echoing the identifier verbatim", async () => {
      const client = await connect()
      const id = t.identifier("room-1", "alice")
      client.subscribe(id)
      expect(await client.next((f) => f.identifier === id)).toEqual({ identifier: id, type: "confirm_subscription" })
    })

    it("elects the first joiner host and tells both host and joiner SessionReady", async () => {
      const host = await connect()
      const guest = await connect()
      const hostId = t.identifier("room-1", "alice")
      const guestId = t.identifier("room-1", "bob")
      host.subscribe(hostId)
      await host.next((f) => f.type === "confirm_subscription")
      host.perform(hostId, JOIN)
      expect(await host.message(hostId, "SessionReady")).toEqual({ type: "Connection", state: "SessionReady", host_peer_id: "alice", peer_id: "alice" })

      guest.subscribe(guestId)
      await guest.next((f) => f.type === "confirm_subscription")
      guest.perform(guestId, JOIN)
      const ready = { type: "Connection", state: "SessionReady", host_peer_id: "alice", peer_id: "bob" }
      expect(await guest.message(guestId, "SessionReady")).toEqual(ready)
      expect(await host.message(hostId, "SessionReady")).toEqual(ready)
    })

    it("joins with the subscription when the identifier says so: confirmed first, then SessionReady to joiner and host", async () => {
      const withJoin = (id: string, extra: Record<string, unknown> = { join: true }) => JSON.stringify({ ...(JSON.parse(id) as object), ...extra })
      const [host, guest] = [await connect(), await connect()]
      const hostId = withJoin(t.identifier("room-1", "alice"))
      const guestId = withJoin(t.identifier("room-1", "bob"))
      host.subscribe(hostId)
      expect(await host.next((f) => f.identifier === hostId)).toEqual({ identifier: hostId, type: "confirm_subscription" })
      expect(await host.message(hostId, "SessionReady")).toMatchObject({ host_peer_id: "alice", peer_id: "alice" })
      guest.subscribe(guestId)
      expect(await guest.next((f) => f.identifier === guestId)).toEqual({ identifier: guestId, type: "confirm_subscription" })
      const ready = { type: "Connection", state: "SessionReady", host_peer_id: "alice", peer_id: "bob" }
      expect(await guest.message(guestId, "SessionReady")).toEqual(ready)
      expect(await host.message(hostId, "SessionReady")).toEqual(ready)

      const carol = await connect()
      for (const extra of [{ join: "yes" }, { lost_host_peer_id: "alice" }, { join: true, lost_host_peer_id: "not an id" }]) {
        const bad = withJoin(t.identifier("room-1", "carol"), extra)
        carol.subscribe(bad)
        expect(await carol.message(bad, "Error")).toMatchObject({ code: "bad_identifier" })
        await carol.next((f) => f.identifier === bad && f.type === "reject_subscription")
      }
    })

    it("relays SDP and ICE only to the addressed peer, stamping the authenticated sender", async () => {
      const [host, bob, carol] = [await connect(), await connect(), await connect()]
      const ids = { alice: t.identifier("room-1", "alice"), bob: t.identifier("room-1", "bob"), carol: t.identifier("room-1", "carol") }
      for (const [client, id] of [[host, ids.alice], [bob, ids.bob], [carol, ids.carol]] as const) await client.join(id)
      const offer = { type: "offer", sdp: "v=0 offer-for-bob" }
      host.perform(ids.alice, { type: "Connection", state: "SdpOffer", to_peer_id: "bob", sdp: offer, peer_id: "mallory" })
      expect(await bob.message(ids.bob, "SdpOffer")).toEqual({ type: "Connection", state: "SdpOffer", peer_id: "alice", to_peer_id: "bob", sdp: offer })

      bob.perform(ids.bob, { type: "Connection", state: "SdpAnswer", to_peer_id: "alice", sdp: { type: "answer", sdp: "v=0 answer" } })
      expect((await host.message(ids.alice, "SdpAnswer")).peer_id).toBe("bob")

      const candidate = { candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 }
      bob.perform(ids.bob, { type: "Connection", state: "IceCandidate", to_peer_id: "alice", candidate })
      expect(await host.message(ids.alice, "IceCandidate")).toEqual({ type: "Connection", state: "IceCandidate", peer_id: "bob", to_peer_id: "alice", candidate })

      await expect(carol.message(ids.carol, "SdpOffer", 300)).rejects.toThrow(/no matching frame/)
      await expect(carol.message(ids.carol, "IceCandidate", 100)).rejects.toThrow(/no matching frame/)
    })

    it("refuses client-to-client signals and signals from peers that have not joined", async () => {
      const [host, bob, carol] = [await connect(), await connect(), await connect()]
      const ids = { alice: t.identifier("room-1", "alice"), bob: t.identifier("room-1", "bob"), carol: t.identifier("room-1", "carol") }
      for (const [client, id] of [[host, ids.alice], [bob, ids.bob]] as const) await client.join(id)
      carol.subscribe(ids.carol)
      await carol.next((f) => f.type === "confirm_subscription")
      carol.perform(ids.carol, { type: "Connection", state: "SdpOffer", to_peer_id: "alice", sdp: { type: "offer", sdp: "x" } })
      expect(await carol.message(ids.carol, "Error")).toMatchObject({ code: "not_joined" })
      carol.perform(ids.carol, JOIN)
      await carol.message(ids.carol, "SessionReady")
      carol.perform(ids.carol, { type: "Connection", state: "SdpOffer", to_peer_id: "bob", sdp: { type: "offer", sdp: "x" } })
      expect(await carol.message(ids.carol, "Error")).toMatchObject({ code: "not_host" })
      host.perform(ids.alice, { type: "Connection", state: "SdpOffer", to_peer_id: "nobody", sdp: { type: "offer", sdp: "x" } })
      expect(await host.message(ids.alice, "Error")).toMatchObject({ code: "peer_not_found" })
    })

    it("refuses every action but receive, the channel's own callbacks included, and the peer stays as it was", async () => {
      const [host, bob] = [await connect(), await connect()]
      const ids = { alice: t.identifier("actions", "alice"), bob: t.identifier("actions", "bob") }
      await host.join(ids.alice)
      for (const action of ["unsubscribed", "subscribed", "perform_action", "destroy"]) {
        host.perform(ids.alice, { action, type: "Connection", state: "SessionLeave" })
        expect(await host.message(ids.alice, "Error")).toMatchObject({ code: "unknown_message" })
      }
      expect(await bob.join(ids.bob)).toMatchObject({ host_peer_id: "alice" })
    })

    it("resets the session when the host's subscription ends, and the first back becomes host", async () => {
      const [host, bob, carol] = [await connect(), await connect(), await connect()]
      const ids = { alice: t.identifier("room-1", "alice"), bob: t.identifier("room-1", "bob"), carol: t.identifier("room-1", "carol") }
      for (const [client, id] of [[host, ids.alice], [bob, ids.bob], [carol, ids.carol]] as const) await client.join(id)
      host.close()
      const reset = { type: "Connection", state: "SessionReset", host_peer_id: "alice", reason: "host_left" }
      expect(await bob.message(ids.bob, "SessionReset")).toEqual(reset)
      expect(await carol.message(ids.carol, "SessionReset")).toEqual(reset)
      carol.perform(ids.carol, JOIN)
      expect(await carol.message(ids.carol, "SessionReady")).toMatchObject({ host_peer_id: "carol", peer_id: "carol" })
      bob.perform(ids.bob, JOIN)
      expect(await bob.message(ids.bob, "SessionReady")).toMatchObject({ host_peer_id: "carol", peer_id: "bob" })
    })

    it("an explicit unsubscribe by the host resets the session the same way", async () => {
      const [host, bob] = [await connect(), await connect()]
      const ids = { alice: t.identifier("room-1", "alice"), bob: t.identifier("room-1", "bob") }
      for (const [client, id] of [[host, ids.alice], [bob, ids.bob]] as const) await client.join(id)
      host.send({ command: "unsubscribe", identifier: ids.alice })
      expect(await bob.message(ids.bob, "SessionReset")).toMatchObject({ host_peer_id: "alice", reason: "host_left" })
    })

    it("elects exactly one host when many peers join at once", async () => {
      const peers = await Promise.all(Array.from({ length: 12 }, () => connect()))
      const ids = peers.map((_, i) => t.identifier("race", `peer-${i}`))
      await Promise.all(peers.map(async (client, i) => {
        client.subscribe(ids[i]!)
        await client.next((f) => f.type === "confirm_subscription")
      }))
      peers.forEach((client, i) => client.perform(ids[i]!, JOIN))
      // Correctness, not speed: twelve joins at once may queue behind a loaded machine's other suites.
      const readies = await Promise.all(peers.map((client, i) => client.message(ids[i]!, "SessionReady", 10_000)))
      const hosts = new Set(readies.map((r) => r.host_peer_id))
      expect(hosts.size).toBe(1)
      expect(readies.filter((r) => r.peer_id === r.host_peer_id)).toHaveLength(1)
    })

    it("a second subscription with the same peer id replaces the first (a reloaded tab)", async () => {
      const [host, bob, bobAgain] = [await connect(), await connect(), await connect()]
      const ids = { alice: t.identifier("room-1", "alice"), bob: t.identifier("room-1", "bob") }
      for (const [client, id] of [[host, ids.alice], [bob, ids.bob]] as const) await client.join(id)
      bobAgain.subscribe(ids.bob)
      await bobAgain.next((f) => f.type === "confirm_subscription")
      expect(await bob.message(ids.bob, "Error")).toMatchObject({ code: "peer_replaced" })
      bob.perform(ids.bob, JOIN)
      expect(await bob.message(ids.bob, "Error")).toMatchObject({ code: "unknown_subscription" })
      bobAgain.perform(ids.bob, JOIN)
      expect(await host.message(ids.alice, "SessionReady")).toMatchObject({ peer_id: "bob", host_peer_id: "alice" })
    })

    it("the host's peer id subscribing again (a reconnect or a reload) keeps the host role without a reset", async () => {
      const [host, bob, hostAgain] = [await connect(), await connect(), await connect()]
      const ids = { alice: t.identifier("room-1", "alice"), bob: t.identifier("room-1", "bob") }
      for (const [client, id] of [[host, ids.alice], [bob, ids.bob]] as const) await client.join(id)
      expect(await hostAgain.join(ids.alice)).toMatchObject({ host_peer_id: "alice", peer_id: "alice" })
      expect(await host.message(ids.alice, "Error")).toMatchObject({ code: "peer_replaced" })
      await expect(bob.message(ids.bob, "SessionReset", 300)).rejects.toThrow(/no matching frame/)
      bob.perform(ids.bob, JOIN)
      expect(await hostAgain.message(ids.alice, "SessionReady")).toMatchObject({ host_peer_id: "alice", peer_id: "bob" })
    })

    it("keeps sessions apart", async () => {
      const [a, b] = [await connect(), await connect()]
      const idA = t.identifier("room-A", "alice")
      const idB = t.identifier("room-B", "bob")
      a.subscribe(idA)
      b.subscribe(idB)
      await a.next((f) => f.type === "confirm_subscription")
      await b.next((f) => f.type === "confirm_subscription")
      a.perform(idA, JOIN)
      b.perform(idB, JOIN)
      expect(await a.message(idA, "SessionReady")).toMatchObject({ host_peer_id: "alice" })
      expect(await b.message(idB, "SessionReady")).toMatchObject({ host_peer_id: "bob" })
      a.close()
      await expect(b.message(idB, "SessionReset", 300)).rejects.toThrow(/no matching frame/)
    })

    it("refuses a join beyond maxPeersPerSession with session_full", async () => {
      await t.close()
      t = await start({ maxPeersPerSession: 2 })
      const peers = [await connect(), await connect(), await connect()]
      const ids = ["a", "b", "c"].map((p) => t.identifier("small", p))
      for (const [i, client] of peers.entries()) {
        client.subscribe(ids[i]!)
        await client.next((f) => f.type === "confirm_subscription")
        client.perform(ids[i]!, JOIN)
      }
      await peers[0]!.message(ids[0]!, "SessionReady")
      await peers[1]!.message(ids[1]!, "SessionReady")
      expect(await peers[2]!.message(ids[2]!, "Error")).toMatchObject({ code: "session_full" })
    })

    it("counts a client the host reports connected even after it drops its signaling socket", async () => {
      await t.close()
      t = await start({ maxPeersPerSession: 2 })
      const [host, bob, carol] = [await connect(), await connect(), await connect()]
      const ids = { alice: t.identifier("s", "alice"), bob: t.identifier("s", "bob"), carol: t.identifier("s", "carol") }
      for (const [client, id] of [[host, ids.alice], [bob, ids.bob]] as const) await client.join(id)
      host.perform(ids.alice, { type: "Connection", state: "PeerConnected", client_peer_id: "bob" })
      // Reports get no answer, and a server may handle two connections' frames in any order: wait a little.
      await new Promise((resolve) => setTimeout(resolve, 200))
      bob.close()
      await bob.closed()
      carol.subscribe(ids.carol)
      await carol.next((f) => f.type === "confirm_subscription")
      carol.perform(ids.carol, JOIN)
      expect(await carol.message(ids.carol, "Error")).toMatchObject({ code: "session_full" })
      host.perform(ids.alice, { type: "Connection", state: "PeerDisconnected", client_peer_id: "bob" })
      await new Promise((resolve) => setTimeout(resolve, 200))
      carol.perform(ids.carol, JOIN)
      expect(await carol.message(ids.carol, "SessionReady")).toMatchObject({ host_peer_id: "alice", peer_id: "carol" })
    })

    it("lets only the host report clients", async () => {
      const [host, bob] = [await connect(), await connect()]
      const ids = { alice: t.identifier("s", "alice"), bob: t.identifier("s", "bob") }
      for (const [client, id] of [[host, ids.alice], [bob, ids.bob]] as const) await client.join(id)
      bob.perform(ids.bob, { type: "Connection", state: "PeerConnected", client_peer_id: "bob" })
      expect(await bob.message(ids.bob, "Error")).toMatchObject({ code: "not_host" })
    })
  })
}
