import { spawn, spawnSync, type ChildProcess } from "node:child_process"
import { fileURLToPath } from "node:url"
import { freePort } from "./freePort.js"
import { stopChild } from "./stopChild.js"

const DEMO = fileURLToPath(new URL("../../scripts/rails-demo.sh", import.meta.url))

/** Whether Ruby with Rails and puma is here (Debian's ruby-rails and puma). */
export function railsAvailable(): boolean {
  return spawnSync("ruby", ["-e", 'require "rails"; require "puma"'], { stdio: "ignore" }).status === 0
}

export interface RailsProcess {
  /** puma's process id */
  pid: number
  port: number
  baseUrl: string
  cableUrl: string
  output(): string
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** The gem's dummy app under puma (`npm run rails:demo`), resolved once it listens. */
export async function startRails(env: NodeJS.ProcessEnv = {}): Promise<RailsProcess> {
  const port = await freePort()
  const child: ChildProcess = spawn(DEMO, ["--port", String(port)], { env: { ...process.env, ...env } })
  let output = ""
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rails:demo did not listen within 30 s:\n${output}`)), 30_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (!output.includes(`Listening on http://127.0.0.1:${port}`)) return
      clearTimeout(timer)
      resolve()
    }
    child.stdout!.on("data", onData)
    child.stderr!.on("data", onData)
    child.once("exit", (code) => reject(new Error(`rails:demo exited with ${code}:\n${output}`)))
  })
  return {
    pid: child.pid!,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    cableUrl: `ws://127.0.0.1:${port}/cable`,
    output: () => output,
    stop: (signal) => stopChild(child, signal),
  }
}
