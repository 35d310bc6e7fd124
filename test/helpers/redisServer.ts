import { spawn, type ChildProcess } from "node:child_process"
import { Redis } from "ioredis"
import { freePort } from "./freePort.js"

/** A real `redis-server` (Debian's package) on a free loopback port, without persistence. */
export interface RedisProcess {
  url: string
  port: number
  /** Stops it (SIGKILL when `crash`), keeping the port for {@link restart}. */
  stop(options?: { crash?: boolean }): Promise<void>
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>
  /** A client for test setup and checks; closed by {@link stop}. */
  client(): Redis
}

export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort()
  let child: ChildProcess | undefined
  const clients: Redis[] = []
  const launch = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" })
    const deadline = Date.now() + 10_000
    for (;;) {
      const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null })
      probe.on("error", () => {})
      try {
        await probe.connect()
        await probe.ping()
        return
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server did not start on ${port}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      } finally {
        probe.disconnect()
      }
    }
  }
  await launch()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop({ crash = false } = {}) {
      for (const client of clients.splice(0)) client.disconnect()
      const current = child
      if (!current || current.exitCode !== null) return
      await new Promise<void>((resolve) => {
        current.once("exit", () => resolve())
        current.kill(crash ? "SIGKILL" : "SIGTERM")
      })
    },
    restart: launch,
    client() {
      const client = new Redis({ port, host: "127.0.0.1" })
      clients.push(client)
      return client
    },
  }
}
