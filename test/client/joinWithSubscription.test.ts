import { RTCPeerConnection } from "node-datachannel/polyfill"
import WebSocket from "ws"
import { afterEach, describe, expect, it } from "vitest"
import { P2pSession } from "../../src/client/index.js"
import { signJoinToken } from "../../src/server/JoinToken.js"
import { eventually, SECRET, startTestServer, type TestServer } from "../helpers/testServer.js"

/** A WebSocket that records every frame its page sends. */
function recordingWebSocket(sent: string[]): typeof WebSocket {
  return class extends WebSocket {
    override send(data: unknown, ...rest: unknown[]): void {
      sent.push(String(data))
      ;(super.send as (...args: unknown[]) => void)(data, ...rest)
    }
  } as typeof WebSocket
}

const commands = (sent: string[]) => sent.map((frame) => JSON.parse(frame) as { command: string; identifier: string; data?: string })
const joinMessages = (sent: string[]) => commands(sent).filter((frame) => frame.command === "message" && frame.data?.includes("SessionJoin"))

describe("a session joins with its subscription", () => {
  let t: TestServer
  const sessions: P2pSession[] = []
  afterEach(async () => {
    for (const session of sessions.splice(0)) session.stop()
    await t?.close()
  })

  const start = (peerId: string, sent: string[], config = {}) => {
    const token = signJoinToken(SECRET, { sessionId: "room", peerId, expiresAt: Date.now() + 60_000 })
    const session = new P2pSession({ cableUrl: t.cableUrl, sessionId: "room", peerId, token, config, RTCPeerConnection, WebSocket: recordingWebSocket(sent) as never })
    sessions.push(session)
    session.start()
    return session
  }

  it("asks to join in the identifier and sends no SessionJoin message; a rejoin on a live subscription is a message naming the lost host", async () => {
    t = await startTestServer()
    const hostFrames: string[] = []
    const host = start("ann", hostFrames)
    await eventually(() => host.state === "connected", 5000, "the host in its session")
    const subscribe = commands(hostFrames).find((frame) => frame.command === "subscribe")
    expect(JSON.parse(subscribe!.identifier)).toMatchObject({ session_id: "room", peer_id: "ann", join: true })
    expect(host.iamHost).toBe(true)
    expect(joinMessages(hostFrames)).toEqual([])

    // A client that keeps its socket hears the host leave, and joins again by message on the same subscription.
    const clientFrames: string[] = []
    const client = start("ben", clientFrames, { keepCableConnection: true })
    await eventually(() => client.hostPeerId === "ann", 5000, "ben told who the host is")
    expect(joinMessages(clientFrames)).toEqual([])
    host.stop()
    await eventually(() => client.iamHost, 5000, "ben the new host")
    expect(joinMessages(clientFrames).map((frame) => JSON.parse(frame.data!))).toEqual([{ type: "Connection", state: "SessionJoin", lost_host_peer_id: "ann" }])
    expect(commands(clientFrames).filter((frame) => frame.command === "subscribe")).toHaveLength(1)
  })
})
