// The signaling servers of the browser benchmarks, in a process of their own (as in a deployment):
// ours on one port, peerjs-server on another, and the plain `ws` relay the no-library pages use on a
// third. The pages and scripts come from the bench's own HTTP server, whose origins are allowed here.
// Args: p2pPort peerjsPort relayPort pageOrigins (comma-separated) secret
import { PeerServer } from "peer"
import { SignalingServer, silentLogger } from "../../dist/server/index.js"
import { listenWsRelay } from "./wsRelayServer.mjs"

const [p2pPort, peerjsPort, relayPort, pageOrigins, secret] = process.argv.slice(2)
await new Promise((resolve) => PeerServer({ port: Number(peerjsPort), host: "127.0.0.1", path: "/", concurrent_limit: 100_000 }, resolve))
await listenWsRelay(Number(relayPort))
const signaling = new SignalingServer({ secret, logger: silentLogger, rateLimitPerSecond: 100_000, rateLimitBurst: 100_000, allowedOrigins: pageOrigins.split(",") })
await signaling.listen(Number(p2pPort), "127.0.0.1")
process.stdout.write("ready\n")
process.on("SIGTERM", () => signaling.close().then(() => process.exit(0)))
