// The plain `ws` relay (see wsRelayServer.mjs) on the port given, for the signaling benchmark.
import { listenWsRelay } from "./wsRelayServer.mjs"

await listenWsRelay(Number(process.argv[2]))
process.stdout.write("ready\n")
