import { spawn, spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { P2P_SECRET } from "../clients/endpoints.mjs"
import { pinPrefix } from "../lib/pin.mjs"

const here = (path) => fileURLToPath(new URL(path, import.meta.url))

/** The servers under test: how to start each on a port, pinned to `core`. */
export const SERVERS = {
  p2p: { label: "p2p-streams-channel", command: (port) => [process.execPath, here("./p2p.mjs"), String(port)] },
  ws: { label: "plain ws relay (floor)", command: (port) => [process.execPath, here("./ws-relay.mjs"), String(port)] },
  peerjs: { label: "peerjs-server", command: (port) => [process.execPath, here("./peerjs.mjs"), String(port)] },
  rails: {
    label: "Rails ActionCable (puma)",
    command: (port) => ["puma", "-q", "-t", "5:5", "-b", `tcp://127.0.0.1:${port}?low_latency=true`, here("./rails/config.ru")],
    available: () => railsAvailable(),
  },
  gem: {
    label: "Rails gem (p2p_streams_channel, puma)",
    command: (port) => ["puma", "-q", "-t", "5:5", "-b", `tcp://127.0.0.1:${port}?low_latency=true`, here("../../rails/spec/dummy/config.ru")],
    env: { P2P_STREAMS_CHANNEL_SECRET: P2P_SECRET, LOG_LEVEL: "fatal" },
    available: () => railsAvailable(),
  },
}

function railsAvailable() {
  return spawnSync("ruby", ["-e", "require 'rails'; require 'action_cable'"]).status === 0 && spawnSync("puma", ["--version"]).status === 0
}

/** Starts a server and resolves once it accepts connections. */
export async function startServer(name, port, core) {
  const [command, ...args] = [...pinPrefix(core), ...SERVERS[name].command(port)]
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RAILS_ENV: "production", ...SERVERS[name].env } })
  let output = ""
  child.stdout.on("data", (chunk) => (output += chunk))
  child.stderr.on("data", (chunk) => (output += chunk))
  const deadline = Date.now() + 30_000
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${name} did not start:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    pid: child.pid,
    /** CPU time used so far (user + system, all threads), in seconds. */
    cpuSeconds: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ")
      return (Number(fields[11]) + Number(fields[12])) / 100
    },
    /** Resident memory, in bytes. */
    rss: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? NaN) * 1024,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once("exit", resolve)
        child.kill("SIGKILL")
      }),
  }
}

async function accepts(port) {
  const { connect } = await import("node:net")
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1")
    socket.once("connect", () => (socket.destroy(), resolve(true)))
    socket.once("error", () => resolve(false))
  })
}

/** A port nothing listens on now (asked of the kernel, so it is outside the ephemeral range in use). */
export async function freePort() {
  const { createServer } = await import("node:net")
  const server = createServer()
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}
