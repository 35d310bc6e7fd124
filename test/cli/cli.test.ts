import { afterEach, describe, expect, it } from "vitest"
import { buildChannelIdentifier } from "../../src/protocol/ChannelIdentifier.js"
import { runCli, startServe, type ServeProcess } from "../helpers/cli.js"
import { RawCableClient } from "../helpers/RawCableClient.js"

const SECRET = "cli-secret-0123456789abcdef"

describe("p2p-streams-channel CLI", () => {
  let serve: ServeProcess | undefined
  afterEach(async () => {
    await serve?.stop("SIGKILL")
    serve = undefined
  })

  it("prints help, and refuses unknown commands and flags with status 2", () => {
    const help = runCli(["--help"])
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/serve\s+start the signaling server/)
    expect(runCli(["serve", "--help"]).stdout).toMatch(/--allowed-origins/)
    expect(runCli(["token", "--help"]).stdout).toMatch(/--expires-in/)
    const unknown = runCli(["launch"])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/unknown command "launch"/)
    expect(runCli(["serve", "--colour"]).status).toBe(2)
  })

  it("`token` needs a secret, a session and a peer", () => {
    expect(runCli(["token", "--session", "s", "--peer", "p"], { P2P_STREAMS_CHANNEL_SECRET: "" }).stderr).toMatch(/no secret/)
    expect(runCli(["token", "--peer", "p"], { P2P_STREAMS_CHANNEL_SECRET: SECRET }).status).toBe(2)
    expect(runCli(["token", "--session", "s", "--peer", "p", "--expires-in", "soon"], { P2P_STREAMS_CHANNEL_SECRET: SECRET }).stderr).toMatch(/invalid duration/)
  })

  it("`serve` logs a ready line, answers /healthz and /metrics, and accepts a token from `token`", async () => {
    serve = await startServe([], { P2P_STREAMS_CHANNEL_SECRET: SECRET })
    expect(serve.output()).toMatch(/backend memory/)
    const health = await fetch(`${serve.baseUrl}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: "ok", connections: 0, subscriptions: 0 })

    const token = runCli(["token", "--session", "room", "--peer", "alice", "--expires-in", "5m"], { P2P_STREAMS_CHANNEL_SECRET: SECRET })
    expect(token.status).toBe(0)
    const client = await RawCableClient.connect(serve.cableUrl)
    const identifier = buildChannelIdentifier("room", "alice", token.stdout.trim())
    client.subscribe(identifier)
    expect(await client.next((f) => f.identifier === identifier)).toMatchObject({ type: "confirm_subscription" })

    const metrics = await (await fetch(`${serve.baseUrl}/metrics`)).text()
    expect(metrics).toMatch(/^p2p_connections 1$/m)
    expect(metrics).toMatch(/^p2p_subscriptions 1$/m)
    expect(metrics).toMatch(/^p2p_frames_in_total \d+$/m)
    client.close()
  })

  it("stops on SIGTERM, telling clients server_restart so they reconnect", async () => {
    serve = await startServe([], { P2P_STREAMS_CHANNEL_SECRET: SECRET })
    const client = await RawCableClient.connect(serve.cableUrl)
    await client.next((f) => f.type === "welcome")
    expect(await serve.stop("SIGTERM")).toBe(0)
    expect(await client.next((f) => f.type === "disconnect")).toEqual({ type: "disconnect", reason: "server_restart", reconnect: true })
    expect((await client.closed()).code).toBe(1012)
    expect(serve.output()).toMatch(/stopped/)
  })

  it("without a secret, generates one and warns; --dev opens joins loudly", async () => {
    serve = await startServe([], { P2P_STREAMS_CHANNEL_SECRET: "" })
    expect(serve.output()).toMatch(/WARN.*generated a one-off secret/)
    const guarded = await RawCableClient.connect(serve.cableUrl)
    const identifier = buildChannelIdentifier("room", "alice")
    guarded.subscribe(identifier)
    expect(await guarded.next((f) => f.identifier === identifier && f.type !== undefined)).toMatchObject({ type: "reject_subscription", reason: "missing_token" })
    guarded.close()
    await serve.stop("SIGKILL")

    serve = await startServe(["--dev"], { P2P_STREAMS_CHANNEL_SECRET: "" })
    expect(serve.output()).toMatch(/WARN.*OPEN JOINS/)
    const open = await RawCableClient.connect(serve.cableUrl)
    open.subscribe(identifier)
    expect(await open.next((f) => f.identifier === identifier)).toMatchObject({ type: "confirm_subscription" })
    open.close()
  })

  it("refuses disallowed origins and honours --allowed-origins and --path", async () => {
    serve = await startServe(["--allowed-origins", "https://app.example", "--path", "/signal"], { P2P_STREAMS_CHANNEL_SECRET: SECRET })
    expect(serve.cableUrl).toMatch(/\/signal$/)
    await expect(RawCableClient.connect(serve.cableUrl, { origin: "https://evil.example" })).rejects.toThrow(/403/)
    const allowed = await RawCableClient.connect(serve.cableUrl, { origin: "https://app.example" })
    expect(allowed.socket.protocol).toBe("actioncable-v1-json")
    allowed.close()
    await expect(RawCableClient.connect(serve.cableUrl.replace("/signal", "/cable"))).rejects.toThrow(/404/)
  })
})
