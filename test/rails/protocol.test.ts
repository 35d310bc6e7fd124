import { buildChannelIdentifier } from "../../src/protocol/ChannelIdentifier.js"
import { signJoinToken } from "../../src/server/JoinToken.js"
import { startRails, type RailsProcess } from "../helpers/railsServer.js"
import { SECRET } from "../helpers/testServer.js"
import { describeSignalingProtocol } from "../protocol/signalingProtocolSuite.js"

// One puma per setting, shared by the tests; each test gets sessions of its own (a name prefix).
const running = new Map<string, Promise<RailsProcess>>()
let run = 0

describeSignalingProtocol("Rails gem (ActionCable, puma)", {
  tearDown: async () => {
    for (const rails of running.values()) await (await rails).stop()
    running.clear()
  },
  start: async ({ maxPeersPerSession }) => {
    const key = String(maxPeersPerSession ?? "default")
    if (!running.has(key)) running.set(key, startRails({ P2P_STREAMS_CHANNEL_SECRET: SECRET, ...(maxPeersPerSession ? { P2P_MAX_PEERS: String(maxPeersPerSession) } : {}) }))
    const rails = await running.get(key)!
    const prefix = `t${++run}-`
    return {
      cableUrl: rails.cableUrl,
      identifier: (sessionId, peerId) =>
        buildChannelIdentifier(prefix + sessionId, peerId, signJoinToken(SECRET, { sessionId: prefix + sessionId, peerId, expiresAt: Date.now() + 60_000 })),
      close: async () => {},
    }
  },
})
