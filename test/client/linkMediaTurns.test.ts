import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { LinkMedia } from "../../src/client/media/LinkMedia.js"
import type { ChannelMessage } from "../../src/protocol/PeerMessage.js"

/** A stand-in peer connection: just the signaling states and the events LinkMedia uses. */
class FakePeerConnection {
  signalingState: RTCSignalingState = "stable"
  localDescription: RTCSessionDescriptionInit | null = null
  onnegotiationneeded: (() => void) | null = null
  onsignalingstatechange: (() => void) | null = null
  ontrack: ((event: RTCTrackEvent) => void) | null = null
  offers = 0

  addTrack(): RTCRtpSender {
    queueMicrotask(() => this.onnegotiationneeded?.())
    return { getParameters: () => ({ encodings: [] }) } as unknown as RTCRtpSender
  }
  async setLocalDescription(): Promise<void> {
    if (this.signalingState === "have-remote-offer") {
      this.localDescription = { type: "answer", sdp: "answer" }
      return this.change("stable")
    }
    this.offers += 1
    this.localDescription = { type: "offer", sdp: `offer ${this.offers}` }
    this.change("have-local-offer")
  }
  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.change(description.type === "offer" ? "have-remote-offer" : "stable")
  }
  private change(state: RTCSignalingState): void {
    this.signalingState = state
    this.onsignalingstatechange?.()
  }
}

function side(polite: boolean) {
  const pc = new FakePeerConnection()
  const sent: ChannelMessage[] = []
  const failures: unknown[] = []
  const media = new LinkMedia(pc as unknown as RTCPeerConnection, polite, (message) => (sent.push(message), true), () => {}, (error) => failures.push(error))
  media.enable()
  const track = { kind: "video" } as MediaStreamTrack
  const publish = () => media.addStream({ id: `stream-${Math.random()}`, getTracks: () => [track] } as unknown as MediaStream)
  const turns = () => sent.filter((message) => message.type === "NegotiateTurn").length
  const offers = () => sent.filter((message) => message.type === "Negotiate" && message.description.type === "offer").length
  return { pc, media, sent, failures, publish, turns, offers }
}

describe("renegotiation takes turns on a link", () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  it("a client asks for the turn instead of offering, and offers once the host gives it", async () => {
    const client = side(true)
    client.publish()
    await vi.advanceTimersByTimeAsync(0)
    expect(client.turns()).toBe(1)
    expect(client.offers()).toBe(0)
    client.media.turn()
    await vi.advanceTimersByTimeAsync(0)
    expect(client.offers()).toBe(1)
    // A late or repeated turn from the host is not a second offer.
    client.media.turn()
    await vi.advanceTimersByTimeAsync(3000)
    expect(client.offers()).toBe(1)
  })

  it("a client whose host never gives the turn offers anyway after 2 s", async () => {
    const client = side(true)
    client.publish()
    await vi.advanceTimersByTimeAsync(1900)
    expect(client.offers()).toBe(0)
    await vi.advanceTimersByTimeAsync(200)
    expect(client.offers()).toBe(1)
  })

  it("the host holds its own offer while the client has the turn, and sends it once the client's offer is answered", async () => {
    const host = side(false)
    host.media.turn()
    expect(host.turns()).toBe(1)
    host.publish()
    await vi.advanceTimersByTimeAsync(0)
    expect(host.offers()).toBe(0)
    await host.media.described({ type: "offer", sdp: "client offer" })
    await vi.advanceTimersByTimeAsync(0)
    expect(host.sent.filter((message) => message.type === "Negotiate").map((message) => message.type === "Negotiate" && message.description.type)).toEqual(["answer", "offer"])
    expect(host.failures).toEqual([])
  })

  it("a client that asks a thousand times and never offers gets one turn at a time; the host's offer goes after 5 s", async () => {
    const host = side(false)
    for (let i = 0; i < 1000; i += 1) host.media.turn()
    host.publish()
    await vi.advanceTimersByTimeAsync(4900)
    expect(host.turns()).toBe(1)
    expect(host.offers()).toBe(0)
    await vi.advanceTimersByTimeAsync(200)
    expect(host.offers()).toBe(1)
    // Still asking: the next turn comes once the host's own offer is answered, not before.
    for (let i = 0; i < 1000; i += 1) host.media.turn()
    expect(host.turns()).toBe(1)
    await host.media.described({ type: "answer", sdp: "client answer" })
    expect(host.turns()).toBe(2)
    expect(vi.getTimerCount()).toBe(1)
  })

  it("a client that asks again during its turn gets the next one only when this one ends, each held its full time", async () => {
    const host = side(false)
    host.media.turn()
    await vi.advanceTimersByTimeAsync(3000)
    host.media.turn()
    await host.media.described({ type: "offer", sdp: "client offer" })
    expect(host.turns()).toBe(2)
    host.publish()
    await vi.advanceTimersByTimeAsync(4900)
    expect(host.offers()).toBe(0)
    await vi.advanceTimersByTimeAsync(200)
    expect(host.offers()).toBe(1)
  })
})
