// What the browser benchmarks share: a network namespace of their own, the signaling servers in a
// process of their own, an HTTP port serving the browser bundle and the bench's pages, and Chromium
// launched the way the tests launch it.
import { spawn, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { createServer } from "node:http"
import { createRequire } from "node:module"
import { chromium } from "playwright-core"
import { createClientAssetHandler } from "../../dist/server/index.js"
import { freePort } from "../servers/start.mjs"
import { startDelayProxy } from "./delayProxy.mjs"

/** WebRTC must stay on this machine: when root, re-runs this script inside a network namespace of its own, scripts/netns.sh (and exits with it). */
export function enterLoopbackNamespace() {
  if (process.env.P2P_TEST_IN_NETNS || process.getuid?.() !== 0 || spawnSync("unshare", ["-n", "true"]).status !== 0) return
  const netns = new URL("../../scripts/netns.sh", import.meta.url).pathname
  const result = spawnSync(netns, [process.execPath, ...process.argv.slice(1)], { stdio: "inherit" })
  process.exit(result.status ?? 1)
}

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--allow-loopback-in-peer-connection", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--disable-features=WebRtcHideLocalIpsWithMdns"]
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"

const require = createRequire(import.meta.url)
const PEERJS_BUNDLE = readFileSync(require.resolve("peerjs/dist/peerjs.min.js"))
const PEERJS_ETAG = `"${createHash("sha256").update(PEERJS_BUNDLE).digest("base64url").slice(0, 27)}"`

/**
 * Starts the signaling servers (ours and peerjs-server) in a child process, as they would run in a
 * deployment (with the plain `ws` relay the no-library pages signal through), and in this process an
 * HTTP server for the browser bundle, `/peerjs.min.js` and the pages
 * `route(pathname, query, { peerjsPort, cableUrl, relayUrl })` returns HTML for (undefined: 404);
 * with `farMs`, also the same reached through delaying proxies from `farBaseURL` (see delayProxy.mjs).
 */
export async function startBenchServers({ secret, route, farMs }) {
  const [port, p2pPort, peerjsPort, relayPort] = [await freePort(), await freePort(), await freePort(), await freePort()]
  const baseURL = `http://127.0.0.1:${port}`
  // With `farMs`, every server is also reachable through a proxy that puts it that far away
  // (one way): a page loaded from `farBaseURL` reaches them all that way.
  const proxies = farMs ? await Promise.all([port, p2pPort, peerjsPort, relayPort].map((target) => startDelayProxy(target, farMs))) : []
  const farHost = farMs ? `127.0.0.1:${proxies[0].port}` : undefined
  const origins = [baseURL, ...(farHost ? [`http://${farHost}`] : [])].join(",")
  const child = spawn(process.execPath, [new URL("../servers/browser-signaling.mjs", import.meta.url).pathname, String(p2pPort), String(peerjsPort), String(relayPort), origins, secret], { stdio: ["ignore", "pipe", "inherit"] })
  await new Promise((resolve, reject) => {
    child.stdout.once("data", resolve)
    child.once("exit", (code) => reject(new Error(`the signaling servers exited (${code})`)))
  })
  const near = { peerjsPort, cableUrl: `ws://127.0.0.1:${p2pPort}/cable`, relayUrl: `ws://127.0.0.1:${relayPort}/` }
  const far = farMs ? { peerjsPort: proxies[2].port, cableUrl: `ws://127.0.0.1:${proxies[1].port}/cable`, relayUrl: `ws://127.0.0.1:${proxies[3].port}/` } : undefined
  const assets = createClientAssetHandler()
  const http = createServer((request, response) => {
    if (assets(request, response)) return
    const url = new URL(request.url, "http://bench.invalid")
    // PeerJS's script is served as ours are (a tag, revalidated on every load), so both are cached alike.
    if (url.pathname === "/peerjs.min.js") {
      if (request.headers["if-none-match"] === PEERJS_ETAG) return response.writeHead(304, { etag: PEERJS_ETAG, "cache-control": "no-cache" }).end()
      return response.writeHead(200, { "content-type": "text/javascript", etag: PEERJS_ETAG, "cache-control": "no-cache" }).end(PEERJS_BUNDLE)
    }
    const html = route(url.pathname, (name) => url.searchParams.get(name) ?? undefined, request.headers.host === farHost ? far : near)
    if (html === undefined) return response.writeHead(404).end()
    response.writeHead(200, { "content-type": "text/html" }).end(html)
  })
  await new Promise((resolve) => http.listen(port, "127.0.0.1", resolve))
  return {
    port,
    baseURL,
    farBaseURL: farHost && `http://${farHost}`,
    cableUrl: near.cableUrl,
    async close() {
      for (const proxy of proxies) proxy.close()
      child.kill("SIGTERM")
      http.close()
    },
  }
}

/** A Chromium and a context on `baseURL` whose pages may use the camera and microphone. */
export async function launchBenchBrowser(baseURL) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  const context = await newBenchContext(browser, baseURL)
  const open = async (path) => {
    const page = await context.newPage()
    await page.goto(path)
    return page
  }
  return { browser, context, open }
}

export async function newBenchContext(browser, baseURL) {
  const context = await browser.newContext({ baseURL })
  await context.grantPermissions(["camera", "microphone"])
  return context
}

/**
 * Joins two pages by one raw RTCDataChannel, no library: `window.channel` on `a` (open when this
 * resolves) sends; on `b`, `window.stats = { count, bytes, lastAt, latencies }` counts what arrives
 * (a text message starting `ts=<ms> ` also gives its latency).
 */
export async function rawChannelPair(a, b) {
  const gathered = `(pc) => new Promise((resolve) => { if (pc.iceGatheringState === "complete") return resolve(); pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && resolve()) })`
  const offer = await a.evaluate(async (waitGathered) => {
    const pc = new RTCPeerConnection({ iceServers: [] })
    window.pc = pc
    window.channel = pc.createDataChannel("raw", { ordered: true })
    await pc.setLocalDescription(await pc.createOffer())
    await eval(waitGathered)(pc)
    return pc.localDescription.toJSON()
  }, gathered)
  const answer = await b.evaluate(async ({ offer, waitGathered }) => {
    const pc = new RTCPeerConnection({ iceServers: [] })
    window.pc = pc
    window.stats = { count: 0, bytes: 0, lastAt: 0, latencies: [] }
    pc.ondatachannel = (event) => {
      event.channel.binaryType = "arraybuffer"
      event.channel.onmessage = ({ data }) => {
        const stats = window.stats
        stats.count += 1
        stats.bytes += typeof data === "string" ? data.length : data.byteLength
        stats.lastAt = Date.now()
        if (typeof data === "string" && data.startsWith("ts=")) stats.latencies.push(Date.now() - Number(data.slice(3, data.indexOf(" "))))
      }
    }
    await pc.setRemoteDescription(offer)
    await pc.setLocalDescription(await pc.createAnswer())
    await eval(waitGathered)(pc)
    return pc.localDescription.toJSON()
  }, { offer, waitGathered: gathered })
  await a.evaluate(async (answer) => {
    await window.pc.setRemoteDescription(answer)
    if (window.channel.readyState !== "open") await new Promise((resolve) => (window.channel.onopen = resolve))
  }, answer)
}
