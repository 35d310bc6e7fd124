import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { signJoinToken, verifyJoinToken } from "../../src/server/JoinToken.js"

const GEM_LIB = fileURLToPath(new URL("../../rails/lib", import.meta.url))
const SECRET = "shared-secret-0123456789"

/** Runs Ruby with the gem's lib on the load path, returning what it prints. */
const ruby = (script: string) => execFileSync("ruby", ["-I", GEM_LIB, "-r", "p2p_streams_channel/join_token", "-e", script], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim()

describe("one token format in both servers", () => {
  it("a token the gem signs is accepted by the Node server, and one Node signs by the gem", () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 600
    const fromRuby = ruby(`puts P2pStreamsChannel::JoinToken.sign(${JSON.stringify(SECRET)}, session_id: "room:1", peer_id: "user@2", expires_at: ${expiresAt})`)
    expect(fromRuby).toBe(signJoinToken(SECRET, { sessionId: "room:1", peerId: "user@2", expiresAt: expiresAt * 1000 }))
    expect(() => verifyJoinToken(SECRET, fromRuby, "room:1", "user@2")).not.toThrow()
    const fromNode = signJoinToken(SECRET, { sessionId: "s", peerId: "p", expiresAt: Date.now() + 60_000 })
    expect(ruby(`P2pStreamsChannel::JoinToken.verify!(${JSON.stringify(SECRET)}, ${JSON.stringify(fromNode)}, session_id: "s", peer_id: "p"); puts "ok"`)).toBe("ok")
  })

  it("the gem refuses what the Node server refuses, with the same codes", () => {
    const now = Date.now()
    const [, expiry, mac] = signJoinToken(SECRET, { sessionId: "s", peerId: "p", expiresAt: now + 60_000 }).split(".")
    const cases: Array<[string | null, string]> = [
      [null, "missing_token"],
      [signJoinToken(SECRET, { sessionId: "s", peerId: "p", expiresAt: now - 5000 }), "token_expired"],
      [signJoinToken(SECRET, { sessionId: "s", peerId: "other", expiresAt: now + 60_000 }), "invalid_token"],
      [`v1.0${expiry}.${mac}`, "invalid_token"],
      ["v2.1.AAAA", "invalid_token"],
    ]
    for (const [token, code] of cases) {
      const script = `begin; P2pStreamsChannel::JoinToken.verify!(${JSON.stringify(SECRET)}, ${token === null ? "nil" : JSON.stringify(token)}, session_id: "s", peer_id: "p"); puts "accepted"; rescue P2pStreamsChannel::JoinToken::Refused => e; puts e.code; end`
      expect(ruby(script), String(token)).toBe(code)
    }
    expect(() => ruby(`P2pStreamsChannel::JoinToken.sign("short", session_id: "s", peer_id: "p", expires_at: 1)`)).toThrow(/at least 16 characters/)
  })
})
