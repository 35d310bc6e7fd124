import { SIGNALING_CHANNEL } from "../../src/protocol/ChannelIdentifier.js"
import { signJoinToken } from "../../src/server/JoinToken.js"

/** The subscription params the official-client refusal scenario (test/fixtures/official-client) needs. */
export function refusalParams(secret: string, sessionId: string) {
  const params = (peerId: string, extra: Record<string, unknown> = {}) => ({
    channel: SIGNALING_CHANNEL,
    session_id: sessionId,
    peer_id: peerId,
    token: signJoinToken(secret, { sessionId, peerId, expiresAt: Date.now() + 120_000 }),
    ...extra,
  })
  return {
    badToken: { ...params("mallory"), token: "v1.9999999999.AAAA" },
    longIdentifier: params("verbose", { padding: "x".repeat(3000) }),
    member: params("member"),
    flood: params("flooder"),
  }
}

/** What each subscription of the scenario must have seen (sorted): refusals as callbacks, never an exception. */
export const EXPECTED_REFUSALS = {
  badToken: ["received Error:invalid_token", "rejected"].sort(),
  longIdentifier: ["received Error:bad_identifier", "rejected"].sort(),
  member: ["connected", "received Error:unknown_message", "received Error:not_joined", "received Error:peer_replaced", "received Error:unknown_subscription"].sort(),
  again: ["connected"],
  flood: ["connected", "received Error:rate_limited", "disconnected"].sort(),
}
