import fc from "fast-check"
import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createServeApp } from "../../src/cli/createServeApp.js"
import { SIGNALING_CHANNEL } from "../../src/protocol/ChannelIdentifier.js"
import { cableFrame, requestLine, wellFormedAnswer } from "../helpers/fuzzFrames.js"
import { signJoinToken } from "../../src/server/JoinToken.js"
import { silentLogger } from "../../src/server/Logger.js"
import { SignalingServer } from "../../src/server/SignalingServer.js"
import { RawCableClient, type Frame } from "../helpers/RawCableClient.js"
import { sendAll } from "../helpers/rawHttp.js"
import { eventually, SECRET } from "../helpers/testServer.js"

const WS_FRAMES = 90_000
const HTTP_REQUESTS = 10_000
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000)

async function metricTotal(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text()
  return text
    .split("\n")
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0)
}

describe(`fuzz: ${WS_FRAMES + HTTP_REQUESTS} generated frames and requests against the server as serve --demo runs it (seed ${SEED})`, () => {
  let signaling: SignalingServer
  let http: Server
  let base: string
  let cableUrl: string
  const identifierFor = (sessionId: string, peerId: string) =>
    JSON.stringify({ channel: SIGNALING_CHANNEL, session_id: sessionId, peer_id: peerId, token: signJoinToken(SECRET, { sessionId, peerId, expiresAt: Date.now() + 600_000 }) })

  beforeAll(async () => {
    // The rate limit is lifted so that every generated frame reaches the parsers.
    signaling = new SignalingServer({ secret: SECRET, logger: silentLogger, rateLimitPerSecond: 1e9, rateLimitBurst: 1e9, idleConnectionTimeoutMs: 600_000 })
    http = createServeApp(signaling, { demo: true, secret: SECRET, logger: silentLogger })
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve))
    const { port } = http.address() as AddressInfo
    base = `http://127.0.0.1:${port}`
    cableUrl = `ws://127.0.0.1:${port}/cable`
  })
  afterAll(async () => {
    await signaling.close()
    http.close()
  })

  it("every generated frame is refused with a counted reason, nothing an official client cannot take is sent, a bystander session carries on", async () => {
    const [host, guest] = [await RawCableClient.connect(cableUrl), await RawCableClient.connect(cableUrl)]
    const ids = { host: identifierFor("bystanders", "host"), guest: identifierFor("bystanders", "guest") }
    await host.join(ids.host)
    await guest.join(ids.guest)

    const fuzzers = await Promise.all(Array.from({ length: 6 }, () => RawCableClient.connect(cableUrl)))
    const [framesBefore, refusalsBefore] = [await metricTotal(base, "p2p_frames_in_total"), await metricTotal(base, "p2p_rejections_total")]
    const frames = fc.sample(cableFrame, { numRuns: WS_FRAMES, seed: SEED })
    frames.forEach((frame, i) => fuzzers[i % fuzzers.length]!.send(frame))
    await eventually(async () => (await metricTotal(base, "p2p_frames_in_total")) - framesBefore >= WS_FRAMES, 60_000, "every frame received")
    await eventually(async () => (await metricTotal(base, "p2p_rejections_total")) - refusalsBefore === WS_FRAMES, 10_000, "every frame refused once")

    const answers: Frame[] = fuzzers.flatMap((fuzzer) => fuzzer.frames)
    expect(answers.filter((f) => !wellFormedAnswer(f)).slice(0, 5)).toEqual([])
    expect(answers.filter((f) => f.type === "reject_subscription").length).toBeGreaterThan(1000)
    for (const fuzzer of fuzzers) expect(fuzzer.closeEvent).toBeUndefined()

    host.perform(ids.host, { type: "Connection", state: "SdpOffer", to_peer_id: "guest", sdp: { type: "offer", sdp: "still here" } })
    expect(await guest.message(ids.guest, "SdpOffer")).toMatchObject({ peer_id: "host", sdp: { sdp: "still here" } })
    expect(host.frames.filter((f) => f.message?.state === "SessionReset")).toEqual([])
    for (const client of [host, guest, ...fuzzers]) client.close()
  }, 120_000)

  it("every generated HTTP request gets a status line that is not a 500, and the server carries on", async () => {
    const requests = fc.sample(requestLine, { numRuns: HTTP_REQUESTS, seed: SEED })
    const { port } = http.address() as AddressInfo
    const { statuses, refused: unanswered } = await sendAll(port, requests, 16, (status) => status !== undefined && status < 500)
    expect(unanswered.slice(0, 3)).toEqual([])
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([200, 400, 404]))
    expect((await fetch(`${base}/healthz`)).status).toBe(200)
  }, 120_000)
})
