import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import type { Browser } from "playwright-core"
import { createClientAssetHandler, SignalingServer, silentLogger } from "../../src/server/index.js"
import { launchChromium } from "./browser.js"

export interface PageApp {
  signaling: SignalingServer
  baseUrl: string
  browser: Browser
  close(): Promise<void>
}

/**
 * A small app on a free port, as a user writes one: the client modules under /p2p/, the signaling
 * endpoint, and whatever `route` answers (it gets the request's URL); with a Chromium to open it.
 */
export async function startPageApp(secret: string, route: (url: URL, request: IncomingMessage, response: ServerResponse) => void): Promise<PageApp> {
  const signaling = new SignalingServer({ secret, logger: silentLogger })
  const assets = createClientAssetHandler()
  const http = createServer((request, response) => {
    if (assets(request, response) || signaling.handleHttp(request, response)) return
    route(new URL(request.url ?? "/", "http://app.invalid"), request, response)
  })
  signaling.attach(http)
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve))
  const baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  const browser = await launchChromium()
  return {
    signaling,
    baseUrl,
    browser,
    async close() {
      await browser.close()
      await signaling.close()
      http.close()
    },
  }
}
