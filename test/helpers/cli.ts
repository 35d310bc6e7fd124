import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process"
import { fileURLToPath } from "node:url"
import { stopChild } from "./stopChild.js"

/** The built CLI, as `npx p2p-streams-channel` runs it. */
export const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url))

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, encoding: "utf8" })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams
  baseUrl: string
  cableUrl: string
  output: () => string
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Runs `serve` and resolves once it logs its ready line. */
export function startServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", ...args], { env: { ...process.env, ...env } })
  let output = ""
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not get ready:\n${output}`)), 10_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /ready at (http:\/\/\S+) .*?cable (ws:\/\/\S+),/.exec(output)
      if (!match) return
      clearTimeout(timer)
      resolve({
        child,
        baseUrl: match[1]!,
        cableUrl: match[2]!,
        output: () => output,
        stop: (signal) => stopChild(child, signal),
      })
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", onData)
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}:\n${output}`)))
  })
}
