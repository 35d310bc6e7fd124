import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildChannelIdentifier } from "../../src/protocol/ChannelIdentifier.js"
import { signJoinToken } from "../../src/server/JoinToken.js"
import { cableFrame } from "../helpers/fuzzFrames.js"
import { RawClientPool } from "../helpers/RawCableClient.js"
import { startRails, type RailsProcess } from "../helpers/railsServer.js"

const SECRET = "rails-fuzz-secret-0123456789"
const FRAMES = 5_000
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000)
const identifier = (sessionId: string, peerId: string) => buildChannelIdentifier(sessionId, peerId, signJoinToken(SECRET, { sessionId, peerId, expiresAt: Date.now() + 60_000 }))

describe(`bad input against the Rails gem: ${FRAMES} generated frames (seed ${SEED})`, () => {
  let rails: RailsProcess
  const pool = new RawClientPool()
  beforeAll(async () => {
    // Every frame reaches the checks: the rate limit (its own test) would end the fuzzers' connections first.
    rails = await startRails({ P2P_STREAMS_CHANNEL_SECRET: SECRET, LOG_LEVEL: "info", P2P_CONFIG: JSON.stringify({ rate_limit_per_second: 1e6, rate_limit_burst: 1e6 }) })
  })
  afterAll(async () => {
    pool.closeAll()
    await rails?.stop()
  })

  it("each is refused in one log line without a stack trace, answers are frames the official client takes, a bystander session carries on", async () => {
    const [host, guest] = [await pool.connect(rails.cableUrl), await pool.connect(rails.cableUrl)]
    const ids = { host: identifier("bystanders", "host"), guest: identifier("bystanders", "guest") }
    await host.join(ids.host)
    await guest.join(ids.guest)
    const fuzzers = await Promise.all(Array.from({ length: 5 }, () => pool.connect(rails.cableUrl)))
    fc.sample(cableFrame, { numRuns: FRAMES, seed: SEED }).forEach((frame, i) => fuzzers[i % fuzzers.length]!.send(frame))
    await new Promise((resolve) => setTimeout(resolve, 3000))

    host.perform(ids.host, { type: "Connection", state: "SdpOffer", to_peer_id: "guest", sdp: { type: "offer", sdp: "still here" } })
    expect(await guest.message(ids.guest, "SdpOffer", 5000)).toMatchObject({ peer_id: "host", sdp: { sdp: "still here" } })
    const answers = fuzzers.flatMap((fuzzer) => fuzzer.frames)
    const acceptable = (f: Record<string, unknown>) => ["welcome", "ping", "reject_subscription"].includes(String(f.type)) || (f.type === undefined && typeof f.identifier === "string")
    expect(answers.filter((f) => !acceptable(f)).slice(0, 5)).toEqual([])
    const log = rails.output()
    expect(log).not.toMatch(/^\s*\/usr\/.*:\d+:in `/m) // no backtrace lines
    expect(log).not.toMatch(/There was an exception|Could not execute command|Subscription class not found/)
    expect(log).toMatch(/p2p_streams_channel: refused \(/)
  }, 60_000)
})
