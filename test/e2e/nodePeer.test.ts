import { RTCPeerConnection } from "node-datachannel/polyfill"
import type { Browser, BrowserContext, Page } from "playwright-core"
import WebSocket from "ws"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { P2pSession, type P2pMessage, type RTCPeerConnectionConstructor } from "../../src/client/index.js"
import { signJoinToken } from "../../src/server/JoinToken.js"
import { joinDemo, launchChromium, newContext } from "../helpers/browser.js"
import { startServe, type ServeProcess } from "../helpers/cli.js"

const SECRET = "node-peer-secret-0123456789"

function nodePeer(serve: ServeProcess, sessionId: string, peerId: string) {
  const session = new P2pSession({
    cableUrl: serve.cableUrl,
    sessionId,
    peerId,
    token: signJoinToken(SECRET, { sessionId, peerId, expiresAt: Date.now() + 60_000 }),
    config: { heartbeat: { interval_mls: 250, idle_timeout_mls: 1000 } },
    RTCPeerConnection: RTCPeerConnection as unknown as RTCPeerConnectionConstructor,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  })
  const messages: P2pMessage[] = []
  session.on("message", (message) => messages.push(message))
  return { session, messages }
}

describe("the same core in Node (node-datachannel) talking to Chromium", () => {
  let serve: ServeProcess
  let browser: Browser
  let context: BrowserContext
  beforeAll(async () => {
    serve = await startServe(["--demo"], { P2P_STREAMS_CHANNEL_SECRET: SECRET })
    browser = await launchChromium()
    context = await newContext(browser, serve.baseUrl)
  })
  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  it("a Node client joins a browser host, and they chat both ways", async () => {
    const host: Page = await joinDemo(context, "browser-host", "room=mixed-1")
    await expect.poll(() => host.locator('[data-chat-target="status"]').innerText()).toContain("browser-host: connected")
    const node = nodePeer(serve, "mixed-1", "node-client")
    node.session.start()
    await expect.poll(() => node.session.state, { timeout: 10_000 }).toBe("connected")
    expect(node.session.hostPeerId).toBe("browser-host")
    expect(node.session.iamHost).toBe(false)
    await expect.poll(() => host.locator('[data-chat-target="status"]').innerText()).toContain("node-client: connected")

    expect(node.session.send("hi from node")).toBe(true)
    await expect.poll(() => host.locator('[data-chat-target="messages"]').innerText()).toContain("node-client: hi from node")
    await host.fill('input[data-chat-target="message"]', "hi from chromium")
    await host.click('input[data-action="chat#send"]')
    await expect.poll(() => node.messages.some((m) => m.type === "Data" && m.senderId === "browser-host" && m.data === "hi from chromium")).toBe(true)
    node.session.stop()
    await expect.poll(() => host.locator('[data-chat-target="status"]').innerText()).toContain("node-client: disconnected")
  })

  it("a Node host serves a browser client", async () => {
    const node = nodePeer(serve, "mixed-2", "node-host")
    node.session.start()
    await expect.poll(() => node.session.iamHost).toBe(true)
    const client = await joinDemo(context, "browser-client", "room=mixed-2")
    await expect.poll(() => client.locator('[data-chat-target="status"]').innerText(), { timeout: 10_000 }).toContain("browser-client: connected")
    expect(node.session.peerStates).toEqual({ "node-host": "connected", "browser-client": "connected" })
    await client.fill('input[data-chat-target="message"]', "hello node")
    await client.click('input[data-action="chat#send"]')
    await expect.poll(() => node.messages.some((m) => m.type === "Data" && m.senderId === "browser-client" && m.data === "hello node")).toBe(true)
    await expect.poll(() => client.locator('[data-chat-target="messages"]').innerText()).toContain("browser-client: hello node")
    node.session.stop()
  })
})
