import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startRails, type RailsProcess } from "../helpers/railsServer.js"
import { EXPECTED_REFUSALS, refusalParams } from "../helpers/refusalParams.js"

const SCRIPT = fileURLToPath(new URL("../fixtures/official-client/runInNode.mjs", import.meta.url))
const SECRET = "rails-refusals-secret-0123456789"

describe("every refusal path, met by the official @rails/actioncable client in Node, against the Rails gem", () => {
  let rails: RailsProcess
  beforeAll(async () => {
    rails = await startRails({ P2P_STREAMS_CHANNEL_SECRET: SECRET })
  })
  afterAll(async () => {
    await rails?.stop()
  })

  it("reaches the app as the same callbacks as against the Node server, never as an exception", async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [SCRIPT, rails.cableUrl, JSON.stringify(refusalParams(SECRET, "refusals-on-rails"))])
      let out = ""
      let err = ""
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()))
      child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()))
      child.on("exit", (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }))
    })
    expect(stderr).not.toMatch(/TypeError|Error:/)
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual(EXPECTED_REFUSALS)
  }, 30_000)
})
