import fc from "fast-check"
import { SIGNALING_CHANNEL } from "../../src/protocol/ChannelIdentifier.js"

// ── What a hostile or broken client sends on the cable ──────────────────────────────────────────
const id = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.:@-]{1,20}$/), fc.string({ maxLength: 40 }), fc.integer(), fc.constant(""), fc.constant("x".repeat(200)))
const token = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.tuple(fc.stringMatching(/^[0-9]{0,14}$/), fc.base64String({ maxLength: 44 })).map(([expiry, mac]) => `v1.${expiry}.${mac}`),
  fc.constant(undefined),
  fc.integer(),
)
const identifier = fc.oneof(
  fc
    .record(
      {
        channel: fc.oneof(fc.constant(SIGNALING_CHANNEL), fc.string({ maxLength: 40 })),
        session_id: id,
        peer_id: id,
        token,
        join: fc.oneof(fc.boolean(), fc.anything({ maxDepth: 1 })),
        lost_host_peer_id: fc.oneof(id, fc.anything({ maxDepth: 1 })),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 100 }),
  fc.json({ maxDepth: 2 }),
  fc.constant("x".repeat(2100)),
)
const STATES = ["SessionJoin", "SessionLeave", "SdpOffer", "SdpAnswer", "IceCandidate", "PeerConnected", "PeerDisconnected", "SessionReady", "Error"]
const signal = fc
  .record(
    {
      type: fc.oneof(fc.constant("Connection"), fc.string({ maxLength: 12 })),
      state: fc.oneof(fc.constantFrom(...STATES), fc.string({ maxLength: 12 })),
      action: fc.oneof(fc.constant("receive"), fc.string({ maxLength: 8 })),
      to_peer_id: id,
      client_peer_id: id,
      lost_host_peer_id: id,
      sdp: fc.oneof(fc.record({ type: fc.constantFrom("offer", "answer", "rollback", "bogus"), sdp: fc.string({ maxLength: 80 }) }), fc.anything({ maxDepth: 2 })),
      candidate: fc.oneof(fc.constant(null), fc.record({ candidate: fc.string({ maxLength: 60 }), sdpMid: fc.anything({ maxDepth: 0 }) }), fc.anything({ maxDepth: 2 })),
    },
    { requiredKeys: [] },
  )
  .map((value) => JSON.stringify(value))
const command = fc
  .record(
    {
      command: fc.oneof(fc.constantFrom("subscribe", "unsubscribe", "message"), fc.string({ maxLength: 12 }), fc.anything({ maxDepth: 1 })),
      identifier: fc.oneof(identifier, fc.anything({ maxDepth: 2 })),
      data: fc.oneof(signal, fc.string({ maxLength: 80 }), fc.anything({ maxDepth: 2 })),
    },
    { requiredKeys: [] },
  )
  .map((value) => JSON.stringify(value))
/** Frames a hostile or broken client sends on the cable: none of them a valid command. */
export const cableFrame = fc.oneof(
  { weight: 6, arbitrary: command },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 100 }) },
)

/** An answer an official client can take: a welcome, a ping, a reject with its reason, an Error message on an identifier. */
export function wellFormedAnswer(f: Record<string, any>): boolean { // eslint-disable-line @typescript-eslint/no-explicit-any
  return (
    ["welcome", "ping"].includes(f.type) ||
    (f.type === "reject_subscription" && typeof f.identifier === "string" && typeof f.reason === "string") ||
    (f.type === undefined && typeof f.identifier === "string" && f.message?.state === "Error" && typeof f.message.code === "string")
  )
}

// ── What a hostile or broken client sends over HTTP ─────────────────────────────────────────────
const visible = (max: number) => fc.stringMatching(new RegExp(`^[\\x21-\\x7e]{1,${max}}$`))
/** HTTP requests a hostile or broken client sends, some of them upgrades to the cable. */
export const requestLine = fc
  .record({
    method: fc.oneof(fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE"), visible(10)),
    target: fc.oneof(
      fc.constantFrom("/", "/healthz", "/metrics", "/cable", "/room_chat", "/favicon.ico", "/p2p/bundle/p2p.js", "/p2p/vendor/actioncable.js", "*", "//[", "/p2p/../../etc/passwd"),
      fc.tuple(fc.constantFrom("/", "/room_chat?", "/p2p/", "//", "/cable?", "http://"), visible(60)).map(([start, rest]) => start + rest),
      visible(80),
    ),
    version: fc.oneof(fc.constant("HTTP/1.1"), fc.constantFrom("HTTP/1.0", "HTTP/2.0", "HTTP/1.1x", "")),
    upgrade: fc.boolean(),
    headers: fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z-]{1,20}$/), visible(60)), { maxLength: 4 }),
  })
  .map(({ method, target, version, upgrade, headers }) => {
    const lines = [`${method} ${target} ${version}`.trimEnd(), "Host: 127.0.0.1", "Connection: close"]
    if (upgrade) lines.push("Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol: actioncable-v1-json")
    for (const [name, value] of headers) lines.push(`${name}: ${value}`)
    return `${lines.join("\r\n")}\r\n\r\n`
  })
