import { spawn } from "node:child_process"
import { freePort } from "./freePort.js"

/** Debian's coturn on loopback, with one long-term user, relaying to loopback peers. */
export async function startTurn(): Promise<{ url: string; username: string; credential: string; stop(): Promise<void>; log(): string }> {
  const port = await freePort()
  const username = "p2p"
  const credential = "turn-secret"
  const child = spawn("turnserver", [
    "-n", "--no-cli", "--no-tls", "--no-dtls", "--fingerprint", "--lt-cred-mech", "--allow-loopback-peers",
    "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", `--listening-port=${port}`,
    "--min-port=50000", "--max-port=50999", `--user=${username}:${credential}`, "--realm=p2p.test",
    "--log-file=stdout", "--simple-log", "--verbose",
  ])
  let output = ""
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
  const deadline = Date.now() + 10_000
  while (!/listener opened on|Total General servers/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`turnserver did not start:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    username,
    credential,
    log: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once("exit", () => resolve())
        child.kill("SIGKILL")
      }),
  }
}
