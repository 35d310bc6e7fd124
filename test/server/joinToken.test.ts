import { describe, expect, it } from "vitest"
import { ProtocolError } from "../../src/protocol/ProtocolError.js"
import { signJoinToken, verifyJoinToken } from "../../src/server/JoinToken.js"
import { parseDuration } from "../../src/server/parseDuration.js"

const SECRET = "unit-secret-0123456789"

function verdict(token: string | undefined, sessionId = "s", peerId = "p", now = Date.now()): string {
  try {
    verifyJoinToken(SECRET, token, sessionId, peerId, now)
    return "valid"
  } catch (error) {
    return (error as ProtocolError).code
  }
}

describe("join tokens", () => {
  const token = signJoinToken(SECRET, { sessionId: "s", peerId: "p", expiresAt: Date.now() + 60_000 })

  it("are valid for exactly the session and peer they were signed for, until they expire", () => {
    expect(token).toMatch(/^v1\.\d+\.[A-Za-z0-9_-]{43}$/)
    expect(verdict(token)).toBe("valid")
    expect(verdict(token, "s", "q")).toBe("invalid_token")
    expect(verdict(token, "t", "p")).toBe("invalid_token")
    expect(verdict(token, "s", "p", Date.now() + 120_000)).toBe("token_expired")
  })

  it("cannot be extended by editing the expiry, and must be well-formed", () => {
    const [, expiry, mac] = token.split(".")
    expect(verdict(`v1.${Number(expiry) + 3600}.${mac}`)).toBe("invalid_token")
    expect(verdict(`v2.${expiry}.${mac}`)).toBe("invalid_token")
    expect(verdict(`${token}.x`)).toBe("invalid_token")
    expect(verdict(undefined)).toBe("missing_token")
  })

  it("durations parse in the CLI's units", () => {
    expect(parseDuration("90s")).toBe(90_000)
    expect(parseDuration("1h")).toBe(3_600_000)
    expect(parseDuration("250")).toBe(250)
    expect(() => parseDuration("1 week")).toThrow(TypeError)
  })
})
