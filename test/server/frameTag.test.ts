import { describe, expect, it } from "vitest"
import { p2pFrameTag } from "../../src/server/p2pFrameTag.js"
import { PRECONNECT_SCRIPT } from "../../src/server/preconnectScript.js"

const base = { secret: "frame-tag-secret-0123456789", sessionId: "room", peerId: "ann" }

describe("p2pFrameTag", () => {
  it("follows the frame with the preconnect script, which carries a nonce when given one", () => {
    const html = p2pFrameTag({ ...base, content: "<div></div>" })
    expect(html).toMatch(/^<p2p-frame session-id="room" peer-id="ann" token="v1\.[^"]+"><div><\/div><\/p2p-frame><script>/)
    expect(html.endsWith(`<script>${PRECONNECT_SCRIPT}</script>`)).toBe(true)
    expect(p2pFrameTag({ ...base, nonce: 'a"b' })).toContain(`</p2p-frame><script nonce="a&quot;b">${PRECONNECT_SCRIPT}</script>`)
  })

  it("leaves the script out with preconnect: false", () => {
    expect(p2pFrameTag({ ...base, preconnect: false })).toMatch(/^<p2p-frame [^>]+><\/p2p-frame>$/)
  })
})
