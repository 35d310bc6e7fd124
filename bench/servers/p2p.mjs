// p2p-streams-channel's signaling server, as `serve` runs it, for the benchmarks.
// The per-connection rate limit is a flood guard; the relay bench raises it so it measures throughput.
import { SignalingServer, silentLogger } from "../../dist/server/index.js"

const port = Number(process.argv[2])
const redis = process.argv[3]
const server = new SignalingServer({
  secret: "bench-secret-0123456789",
  logger: silentLogger,
  rateLimitPerSecond: 1_000_000,
  rateLimitBurst: 1_000_000,
  maxPeersPerSession: 1000,
  ...(redis ? { redis } : {}),
})
await server.listen(port, "127.0.0.1")
process.stdout.write("ready\n")
process.on("SIGTERM", () => server.close().then(() => process.exit(0)))
