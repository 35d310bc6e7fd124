// peerjs-server (npm `peer`), with its concurrent-connection limit raised for the benchmark.
import { PeerServer } from "peer"

const port = Number(process.argv[2])
PeerServer({ port, host: "127.0.0.1", path: "/", concurrent_limit: 1_000_000, alive_timeout: 600_000, expire_timeout: 600_000 }, () => {
  process.stdout.write("ready\n")
})
