import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { EXPECTED_REFUSALS, refusalParams } from "../helpers/refusalParams.js"
import { SECRET } from "../helpers/testServer.js"
import type { TargetFactory } from "./targets.js"

const SCRIPT = fileURLToPath(new URL("../fixtures/official-client/runInNode.mjs", import.meta.url))

function runScenario(cableUrl: string, params: unknown): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, cableUrl, JSON.stringify(params)])
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("exit", (code) => resolve({ code, stdout, stderr }))
  })
}

/** Every refusal path, met by the official @rails/actioncable client (in Node): the same callbacks from both servers. */
export function describeOfficialClientRefusals(label: string, targets: TargetFactory): void {
  describe(`every refusal path, met by the official @rails/actioncable client in Node: ${label}`, () => {
    afterAll(() => targets.tearDown())

    it("reaches the app as callbacks (rejected, received Error, disconnected) and never as an uncaught exception", async () => {
      const t = await targets.start()
      const { code, stdout, stderr } = await runScenario(t.cableUrl, refusalParams(SECRET, `refusals-${Date.now()}`))
      expect(stderr).not.toMatch(/TypeError|Error:/)
      expect(code).toBe(0)
      expect(JSON.parse(stdout)).toEqual(EXPECTED_REFUSALS)
      await t.close()
    }, 30_000)
  })
}
