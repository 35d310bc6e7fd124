import type { Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { P2pConfig } from "../../src/client/P2pConfig.js"
import { importmapTag, p2pFrameTag } from "../../src/server/index.js"
import { newContext } from "../helpers/browser.js"
import { startPageApp, type PageApp } from "../helpers/pageApp.js"
import { startTurn } from "../helpers/turnServer.js"

const SECRET = "turn-test-secret-0123456789"

describe("TURN relaying, with Debian's coturn", () => {
  let turn: Awaited<ReturnType<typeof startTurn>>
  let app: PageApp
  let browser: Browser
  let baseUrl: string
  let config: P2pConfig

  beforeAll(async () => {
    turn = await startTurn()
    config = { ice_servers: [{ urls: turn.url, username: turn.username, credential: turn.credential }], ice_transport_policy: "relay" }
    app = await startPageApp(SECRET, (url, _request, response) => {
      const peerId = url.searchParams.get("peer")
      if (url.pathname !== "/" || !peerId) return void response.writeHead(404).end()
      // A page with no framework: the frame, and its events written out.
      response.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><head>${importmapTag()}
<script type="module">import "p2p-streams-channel/frame"</script></head><body>
${p2pFrameTag({ secret: SECRET, sessionId: "turn", peerId, config })}
<p id="state"></p><pre id="log"></pre>
<script>
  document.addEventListener("p2p:state", (event) => (document.getElementById("state").textContent = event.detail.state))
  document.addEventListener("p2p:message", (event) => {
    const message = event.detail.message
    if (message.type === "Data") document.getElementById("log").textContent += message.senderId + ": " + message.data + "\\n"
  })
</script></body>`)
    })
    ;({ baseUrl, browser } = app)
  })
  afterAll(async () => {
    await app?.close()
    await turn?.stop()
  })

  it("connects and chats with ice_transport_policy relay, every packet through the TURN server", async () => {
    const context = await newContext(browser, baseUrl)
    const host = await context.newPage()
    await host.goto("/?peer=host")
    const guest = await context.newPage()
    await guest.goto("/?peer=guest")
    for (const page of [host, guest]) await expect.poll(() => page.locator("#state").innerText(), { timeout: 15_000 }).toBe("connected")
    await guest.evaluate(() => (document.querySelector("p2p-frame") as unknown as { send(data: string): boolean }).send("through the relay"))
    for (const page of [host, guest]) await expect.poll(() => page.locator("#log").innerText()).toContain("guest: through the relay")
    // With relay-only ICE the link can exist only through coturn; its log shows the allocations.
    expect(turn.log()).toMatch(/ALLOCATE processed, success/)
    expect(turn.log()).toMatch(/CREATE_PERMISSION processed, success/)
    await context.close()
  })
})
