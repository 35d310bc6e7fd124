import { randomBytes } from "node:crypto"
import { parseArgs } from "node:util"
import { createConsoleLogger, type LogLevel } from "../server/Logger.js"
import { SignalingServer } from "../server/SignalingServer.js"
import { CliError } from "./CliError.js"
import { createServeApp } from "./createServeApp.js"

export const SERVE_HELP = `Usage: p2p-streams-channel serve [options]

Starts the signaling server (ActionCable protocol) with the browser modules at /p2p/, /healthz
and /metrics, and with --demo the demo room at /.

Options:
  --port <n>               TCP port (default: $PORT or 3000)
  --host <addr>            interface to bind (default: 127.0.0.1; 0.0.0.0 for every interface)
  --secret <s>             join-token secret, 16+ characters (default: $P2P_STREAMS_CHANNEL_SECRET;
                           without either, a random one-off secret is generated and a warning logged)
  --dev                    open joins: accept subscriptions without a token (development only)
  --demo                   serve the demo room at /; it hands a join token for any session and
                           peer to anyone, so only on a server of demo sessions (npm start uses it)
  --allowed-origins <list> comma-separated origins allowed besides the server's own, or *
  --strict-origins         allow only --allowed-origins (and clients that send no Origin), not
                           pages whose host matches the request's Host header (DNS rebinding)
  --path <path>            WebSocket endpoint path (default: /cable)
  --redis <url>            keep sessions in Redis (redis://host:6379) so several nodes share them
                           (default: $P2P_STREAMS_CHANNEL_REDIS_URL, else in memory)
  --max-peers <n>          most peers per session, host included (default: 50)
  --log-level <level>      debug | info | warn | error (default: info)
  -h, --help               show this help
`

/** `p2p-streams-channel serve`: runs the server until SIGINT or SIGTERM. */
export async function serveCommand(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      secret: { type: "string" },
      dev: { type: "boolean", default: false },
      demo: { type: "boolean", default: false },
      "allowed-origins": { type: "string" },
      "strict-origins": { type: "boolean", default: false },
      path: { type: "string", default: "/cable" },
      redis: { type: "string" },
      "max-peers": { type: "string" },
      "log-level": { type: "string", default: "info" },
      help: { type: "boolean", short: "h", default: false },
    },
  })
  if (values.help) return void process.stdout.write(SERVE_HELP)
  const port = Number(values.port ?? env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be a port number, got "${values.port}"`)
  const level = values["log-level"] as LogLevel
  if (!["debug", "info", "warn", "error"].includes(level)) throw new CliError(`--log-level must be debug, info, warn or error`)
  const logger = createConsoleLogger(level)
  let secret = values.secret ?? env.P2P_STREAMS_CHANNEL_SECRET
  if (!secret && !values.dev) {
    secret = randomBytes(32).toString("base64url")
    logger.warn("no --secret or P2P_STREAMS_CHANNEL_SECRET: generated a one-off secret; only tokens this process mints are accepted")
  }
  const signaling = new SignalingServer({
    secret: secret || undefined,
    allowOpenJoins: values.dev,
    redis: values.redis ?? (env.P2P_STREAMS_CHANNEL_REDIS_URL || undefined),
    path: values.path,
    allowedOrigins: values["allowed-origins"]?.split(",").map((origin) => origin.trim()).filter(Boolean),
    allowSameOriginAsHost: !values["strict-origins"],
    maxPeersPerSession: values["max-peers"] === undefined ? undefined : Number(values["max-peers"]),
    logger,
  })
  if (values.demo && secret && (values.secret || env.P2P_STREAMS_CHANNEL_SECRET)) {
    logger.warn("DEMO ROOM ON - /room_chat hands a join token for ANY session and peer to anyone who asks. Never use --demo on a server that also serves an app's real sessions.")
  }
  const http = createServeApp(signaling, { demo: values.demo, secret, logger })
  await new Promise<void>((resolve, reject) => {
    http.once("error", (error) => reject(new CliError(`cannot listen on ${values.host}:${port}: ${error.message}`)))
    http.listen(port, values.host, resolve)
  })
  const address = http.address()
  const bound = typeof address === "object" && address ? address.port : port
  const base = `http://${values.host}:${bound}`
  const demoNote = values.demo ? `demo room ${base}/` : "demo room off"
  logger.info(`p2p-streams-channel ready at ${base} (${demoNote}, cable ws://${values.host}:${bound}${values.path}, backend ${signaling.options.backendName}, node ${signaling.options.nodeId})`)
  const stop = (signal: string) => {
    logger.info(`${signal}: stopping; clients are told to reconnect`)
    signaling.close().then(() => {
      logger.info("stopped")
      process.exit(0)
    })
  }
  process.once("SIGINT", () => stop("SIGINT"))
  process.once("SIGTERM", () => stop("SIGTERM"))
}
