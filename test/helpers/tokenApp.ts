import { importmapTag, signJoinToken } from "../../src/server/index.js"
import { startPageApp, type PageApp } from "./pageApp.js"

/**
 * An app whose page (`/?peer=…`) holds a `<p2p-frame>` in session `sessionId` with an expired token,
 * and with `&renew=1` a `token-url`: the tiny endpoint that mints a fresh token for its user (each
 * peer it minted for is in `minted`). The page lists the codes of its frame's errors in `window.errors`.
 */
export async function startTokenApp(secret: string, sessionId: string): Promise<PageApp & { minted: string[] }> {
  const minted: string[] = []
  const app = await startPageApp(secret, (url, _request, response) => {
    const peerId = url.searchParams.get("peer") ?? "nobody"
    if (url.pathname === "/token") {
      minted.push(peerId)
      return void response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: signJoinToken(secret, { sessionId, peerId, expiresAt: Date.now() + 60_000 }) }))
    }
    const expired = signJoinToken(secret, { sessionId, peerId, expiresAt: Date.now() - 1000 })
    const tokenUrl = url.searchParams.get("renew") ? ` token-url="/token?peer=${peerId}"` : ""
    response.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><head>${importmapTag()}
<script type="module">import "p2p"; window.errors = []; document.addEventListener("p2p:error", (e) => window.errors.push(e.detail.error.code))</script></head>
<body><p2p-frame session-id="${sessionId}" peer-id="${peerId}" token="${expired}"${tokenUrl}></p2p-frame></body>`)
  })
  return Object.assign(app, { minted })
}
