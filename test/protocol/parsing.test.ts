import { describe, expect, it } from "vitest"
import { parseClientCommand } from "../../src/protocol/CableFrame.js"
import { buildChannelIdentifier, parseChannelIdentifier } from "../../src/protocol/ChannelIdentifier.js"
import { ProtocolError } from "../../src/protocol/ProtocolError.js"
import { parsePeerSignal } from "../../src/protocol/Signal.js"

function reasonOf(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    if (error instanceof ProtocolError) return error.code
    throw error
  }
  return "accepted"
}

describe("parsing frames at the edge", () => {
  it("parses the three ActionCable commands", () => {
    expect(parseClientCommand('{"command":"subscribe","identifier":"{}"}')).toEqual({ command: "subscribe", identifier: "{}" })
    expect(parseClientCommand('{"command":"message","identifier":"{}","data":"{}"}')).toEqual({ command: "message", identifier: "{}", data: "{}" })
    expect(reasonOf(() => parseClientCommand('{"command":"message","identifier":"{}","data":{}}'))).toBe("malformed_frame")
    expect(reasonOf(() => parseClientCommand('{"command":"subscribe","identifier":""}'))).toBe("malformed_frame")
    expect(reasonOf(() => parseClientCommand("null"))).toBe("malformed_frame")
    expect(reasonOf(() => parseClientCommand('{"command":"hello","identifier":"x"}'))).toBe("unknown_command")
  })

  it("round-trips the channel identifier", () => {
    const identifier = buildChannelIdentifier("chat_room_1", "user_1", "tok")
    expect(parseChannelIdentifier(identifier)).toEqual({ channel: "P2pStreamsChannel::SignalingChannel", sessionId: "chat_room_1", peerId: "user_1", token: "tok" })
    expect(reasonOf(() => parseChannelIdentifier(JSON.stringify({ channel: "P2pStreamsChannel::SignalingChannel", session_id: 5, peer_id: "p" })))).toBe("bad_identifier")
  })

  it("parses every peer signal and refuses what is not one", () => {
    expect(parsePeerSignal('{"type":"Connection","state":"SessionJoin","action":"receive"}')).toEqual({ state: "SessionJoin" })
    expect(parsePeerSignal('{"type":"Connection","state":"IceCandidate","to_peer_id":"h","candidate":null}')).toEqual({ state: "IceCandidate", toPeerId: "h", candidate: null })
    expect(parsePeerSignal('{"type":"Connection","state":"SdpAnswer","to_peer_id":"h","sdp":{"type":"answer","sdp":"v=0","extra":1}}')).toEqual({ state: "SdpAnswer", toPeerId: "h", sdp: { type: "answer", sdp: "v=0" } })
    expect(parsePeerSignal('{"type":"Connection","state":"PeerConnected","client_peer_id":"c"}')).toEqual({ state: "PeerConnected", clientPeerId: "c" })
    expect(reasonOf(() => parsePeerSignal('{"type":"Connection","state":"SessionJoin","action":"destroy"}'))).toBe("unknown_message")
    expect(reasonOf(() => parsePeerSignal('{"type":"Connection","state":"SdpOffer","to_peer_id":"h","sdp":{"type":"bogus"}}'))).toBe("bad_message")
    expect(reasonOf(() => parsePeerSignal('{"type":"Connection","state":"IceCandidate","to_peer_id":"h","candidate":{"candidate":1}}'))).toBe("bad_message")
    expect(reasonOf(() => parsePeerSignal('{"type":"Connection","state":"SdpOffer","sdp":{"type":"offer"}}'))).toBe("bad_message")
  })
})
