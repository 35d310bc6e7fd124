import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildChannelIdentifier } from "../../src/protocol/ChannelIdentifier.js"
import { signJoinToken } from "../../src/server/JoinToken.js"
import { cableFrame, requestLine, wellFormedAnswer } from "../helpers/fuzzFrames.js"
import { RawClientPool } from "../helpers/RawCableClient.js"
import { sendAll } from "../helpers/rawHttp.js"
import { startRails, type RailsProcess } from "../helpers/railsServer.js"

const SECRET = "rails-fuzz-secret-0123456789"
const FRAMES = 20_000
const HTTP_REQUESTS = 3_000
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000)
const identifier = (sessionId: string, peerId: string) => buildChannelIdentifier(sessionId, peerId, signJoinToken(SECRET, { sessionId, peerId, expiresAt: Date.now() + 60_000 }))
/** A Ruby backtrace, or ActionCable's own complaints about a frame it could not handle. */
const RUBY_FAULT = /^\s*(from )?\/usr\/.*:\d+:in `|There was an exception|Could not execute command|Subscription class not found|Ignoring message processed after/m

// The same generated frames and requests as the Node server's fuzz (test/server/fuzz.test.ts), with its assertions.
describe(`fuzz: ${FRAMES + HTTP_REQUESTS} generated frames and requests against the Rails gem's app under puma (seed ${SEED})`, () => {
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

  it("every generated frame is refused in one log line without a stack trace, answers are frames an official client takes, a bystander session carries on", async () => {
    const [host, guest] = [await pool.connect(rails.cableUrl), await pool.connect(rails.cableUrl)]
    const ids = { host: identifier("bystanders", "host"), guest: identifier("bystanders", "guest") }
    await host.join(ids.host)
    await guest.join(ids.guest)
    const fuzzers = await Promise.all(Array.from({ length: 6 }, () => pool.connect(rails.cableUrl)))
    fc.sample(cableFrame, { numRuns: FRAMES, seed: SEED }).forEach((frame, i) => fuzzers[i % fuzzers.length]!.send(frame))
    // The last frame each fuzzer sends is one that is answered: once it is, every frame before it was handled.
    const marker = (i: number) => JSON.stringify({ channel: "Marker", n: i })
    fuzzers.forEach((fuzzer, i) => fuzzer.subscribe(marker(i)))
    await Promise.all(fuzzers.map((fuzzer, i) => fuzzer.next((f) => f.identifier === marker(i), 60_000)))

    const answers = fuzzers.flatMap((fuzzer) => fuzzer.frames)
    expect(answers.filter((f) => !wellFormedAnswer(f)).slice(0, 5)).toEqual([])
    expect(answers.filter((f) => f.type === "reject_subscription").length).toBeGreaterThan(200)
    for (const fuzzer of fuzzers) expect(fuzzer.closeEvent).toBeUndefined()

    host.perform(ids.host, { type: "Connection", state: "SdpOffer", to_peer_id: "guest", sdp: { type: "offer", sdp: "still here" } })
    expect(await guest.message(ids.guest, "SdpOffer", 5000)).toMatchObject({ peer_id: "host", sdp: { sdp: "still here" } })
    expect(host.frames.filter((f) => f.message?.state === "SessionReset")).toEqual([])
    const log = rails.output()
    expect(log).not.toMatch(RUBY_FAULT)
    expect(log).toMatch(/p2p_streams_channel: refused \(/)
  }, 120_000)

  it("every generated HTTP request gets a status line that is not a 500, and the app carries on", async () => {
    const requests = fc.sample(requestLine, { numRuns: HTTP_REQUESTS, seed: SEED })
    // puma reading a request target it cannot parse ("GET http://%u", "Y :") answers a bare 500
    // itself, before Rack — before Rails and the gem — and in 5.6 no setting changes it (the
    // Node server says 400). Rails' own 500s have headers, so they still count here.
    const pumasOwn = (answer: string) => answer === "HTTP/1.1 500 Internal Server Error\r\n\r\n"
    const { statuses, refused: unanswered } = await sendAll(rails.port, requests, 48, (status, answer) => status !== undefined && (status < 500 || pumasOwn(answer)))
    expect(unanswered.slice(0, 3)).toEqual([])
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([200, 400, 404]))
    expect((await fetch(`${rails.baseUrl}/`)).status).toBe(200)
    // Rails logs its own refusals of odd requests, some with a backtrace (an unknown method: 405,
    // ActionController::UnknownHttpMethod); those are the only exceptions in the log.
    const raised = new Set([...rails.output().matchAll(/^\s*([A-Z]\w*(?:::\w+)+) \(/gm)].map((match) => match[1]))
    const railsRefusals = ["ActionController::RoutingError", "ActionController::UnknownHttpMethod", "ActionController::BadRequest", "ActionDispatch::Http::Parameters::ParseError"]
    expect([...raised].filter((name) => !railsRefusals.includes(name!))).toEqual([])
  }, 120_000)
})
