import { createHash } from "node:crypto"
import { RTCPeerConnection } from "node-datachannel/polyfill"
import type { Browser, BrowserContext, Page } from "playwright-core"
import WebSocket from "ws"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { P2pSession, type IncomingFile, type P2pMessage, type RTCPeerConnectionConstructor } from "../../src/client/index.js"
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

  it("binary and files both ways between a Node host and a browser client", async () => {
    const node = nodePeer(serve, "mixed-3", "node-host")
    const files: IncomingFile[] = []
    node.session.on("file", (file) => files.push(file))
    node.session.start()
    await expect.poll(() => node.session.iamHost).toBe(true)
    const client = await joinDemo(context, "browser-client", "room=mixed-3")
    await expect.poll(() => node.session.peerStates["browser-client"], { timeout: 10_000 }).toBe("connected")
    await client.evaluate(() => {
      const scope = window as unknown as { binaries: number[] }
      scope.binaries = []
      document.querySelector("p2p-frame")!.addEventListener("p2p:message", (event) => {
        const data = (event as CustomEvent<{ message: { data: unknown } }>).detail.message.data
        if (data instanceof Uint8Array) scope.binaries.push(data.reduce((sum, byte) => (sum + byte) % 65_521, data.length))
      })
    })

    const bytes = Uint8Array.from({ length: 3_000_000 }, (_, i) => (i * 13) & 255)
    expect(node.session.send(bytes, { to: "browser-client" })).toBe(true)
    const checksum = bytes.reduce((sum, byte) => (sum + byte) % 65_521, bytes.length)
    await expect.poll(() => client.evaluate(() => (window as unknown as { binaries: number[] }).binaries), { timeout: 15_000 }).toEqual([checksum])

    expect(await client.locator('[data-chat-target="messages"]').innerText()).toContain("node-host → you: [2.9 MB of binary data]")
    const sent = await client.evaluate(async () => {
      const data = Uint8Array.from({ length: 4_000_000 }, (_, i) => (i * 29) & 255)
      const frame = document.querySelector("p2p-frame") as unknown as { sendFile(blob: Blob, options: object): { done: Promise<void> } }
      await frame.sendFile(new Blob([data], { type: "application/octet-stream" }), { name: "from-browser.bin", metadata: { n: 1 } }).done
      return Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", data)), (b) => b.toString(16).padStart(2, "0")).join("")
    })
    expect(files.map((file) => ({ name: file.name, size: file.size, senderId: file.senderId, metadata: file.metadata }))).toEqual([{ name: "from-browser.bin", size: 4_000_000, senderId: "browser-client", metadata: { n: 1 } }])
    const blob = await files[0]!.blob()
    expect(createHash("sha256").update(Buffer.from(await blob.arrayBuffer())).digest("hex")).toBe(sent)

    const transfer = node.session.sendFile(new Blob([bytes]), { name: "from-node.bin" })
    await transfer.done
    const link = client.locator('[data-chat-target="messages"] a[download="from-node.bin"]')
    await link.waitFor({ timeout: 15_000 })
    expect(await link.evaluate(async (a: HTMLAnchorElement) => (await (await fetch(a.href)).arrayBuffer()).byteLength)).toBe(bytes.length)
    node.session.stop()
  }, 60_000)
})
