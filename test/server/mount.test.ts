import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import express from "express"
import Fastify from "fastify"
import { afterEach, describe, expect, it } from "vitest"
import { createClientAssetHandler, SignalingServer, silentLogger } from "../../src/server/index.js"
import { RawCableClient } from "../helpers/RawCableClient.js"

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return (server.address() as AddressInfo).port
}

describe("mounting into an existing Node HTTP server", () => {
  let signaling: SignalingServer | undefined
  afterEach(async () => {
    await signaling?.close()
  })

  it("shares a plain http.Server's port with the app's own routes", async () => {
    signaling = new SignalingServer({ secret: "mount-secret-0123456789", logger: silentLogger })
    const app = createServer((request, response) => {
      if (signaling!.handleHttp(request, response)) return
      response.end("app page")
    })
    signaling.attach(app)
    const port = await listen(app)
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("app page")
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)
    const client = await RawCableClient.connect(`ws://127.0.0.1:${port}/cable`)
    expect(await client.next((f) => f.type === "welcome")).toEqual({ type: "welcome" })
    client.close()
  })

  it("works with Express: middleware for /healthz and /metrics, attach on the listening server", async () => {
    signaling = new SignalingServer({ secret: "mount-secret-0123456789", logger: silentLogger })
    const app = express()
    app.use(signaling.handleHttp)
    app.use(createClientAssetHandler()) // calls next() for what is not a /p2p/ module
    app.get("/", (_request, response) => void response.send("express page"))
    const server = app.listen(0, "127.0.0.1")
    signaling.attach(server)
    await new Promise((resolve) => server.once("listening", resolve))
    const { port } = server.address() as AddressInfo
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("express page")
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(/p2p_connections/)
    const bundle = await fetch(`http://127.0.0.1:${port}/p2p/bundle/p2p.js`)
    expect(bundle.headers.get("content-type")).toMatch(/javascript/)
    expect((await fetch(`http://127.0.0.1:${port}/p2p/nothing.js`)).status).toBe(404)
    const client = await RawCableClient.connect(`ws://127.0.0.1:${port}/cable`)
    expect(await client.next((f) => f.type === "welcome")).toEqual({ type: "welcome" })
    await signaling.close()
    expect(await client.next((f) => f.type === "disconnect")).toMatchObject({ reason: "server_restart", reconnect: true })
  })

  it("works with Fastify: attach to fastify.server, /healthz through a hijacked reply", async () => {
    signaling = new SignalingServer({ secret: "mount-secret-0123456789", logger: silentLogger })
    const app = Fastify()
    app.get("/", async () => "fastify page")
    app.get("/healthz", (request, reply) => {
      reply.hijack()
      signaling!.handleHttp(request.raw, reply.raw)
    })
    await app.listen({ port: 0, host: "127.0.0.1" })
    signaling.attach(app.server)
    const { port } = app.server.address() as AddressInfo
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("fastify page")
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toMatchObject({ status: "ok" })
    const client = await RawCableClient.connect(`ws://127.0.0.1:${port}/cable`)
    expect(await client.next((f) => f.type === "welcome")).toEqual({ type: "welcome" })
    client.close()
    await signaling.close()
    await app.close()
  })
})
