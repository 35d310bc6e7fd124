import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { createClientAssetHandler } from "../../src/server/index.js"

// A returning page revalidates the browser modules: unchanged, they cost a 304 and no bytes.
describe("client assets: ETag and 304", () => {
  let server: Server
  let base: string
  beforeEach(async () => {
    const assets = createClientAssetHandler()
    server = createServer((request, response) => {
      if (!assets(request, response)) response.writeHead(404).end()
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  const get = (path: string, headers: Record<string, string> = {}, method = "GET") => fetch(`${base}${path}`, { method, headers })

  it.each(["/p2p/bundle/frame.js", "/p2p/bundle/p2p-core.js", "/p2p/bundle/p2p.js", "/p2p/vendor/stimulus.js", "/p2p/vendor/actioncable.js"])("%s: a tag, then 304 without a body for that tag", async (path) => {
    const first = await get(path)
    expect(first.status).toBe(200)
    const body = await first.text()
    expect(body.length).toBeGreaterThan(100)
    const etag = first.headers.get("etag")
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/)
    expect(first.headers.get("cache-control")).toBe("no-cache")
    const again = await get(path, { "if-none-match": etag! })
    expect(again.status).toBe(304)
    expect(again.headers.get("etag")).toBe(etag)
    expect(await again.text()).toBe("")
  })

  it("different files have different tags; the same file the same tag every time", async () => {
    const tags = await Promise.all(["/p2p/bundle/frame.js", "/p2p/bundle/p2p.js", "/p2p/bundle/frame.js"].map(async (path) => (await get(path)).headers.get("etag")))
    expect(tags[0]).not.toBe(tags[1])
    expect(tags[0]).toBe(tags[2])
  })

  it("a weak tag, a list holding the tag, and * are matches; HEAD answers the same", async () => {
    const etag = (await get("/p2p/bundle/frame.js")).headers.get("etag")!
    for (const header of [`W/${etag}`, `"other", ${etag}`, "*"]) expect((await get("/p2p/bundle/frame.js", { "if-none-match": header })).status).toBe(304)
    expect((await get("/p2p/bundle/frame.js", { "if-none-match": etag }, "HEAD")).status).toBe(304)
  })

  it("a stale, malformed or oversized If-None-Match gets the whole file", async () => {
    const whole = await (await get("/p2p/bundle/frame.js")).text()
    for (const header of ['"stale"', "garbage", ",,,", `"${"x".repeat(5000)}"`, "W/", '""']) {
      const response = await get("/p2p/bundle/frame.js", { "if-none-match": header })
      expect(response.status, header.slice(0, 20)).toBe(200)
      expect(await response.text()).toBe(whole)
    }
  })
})
