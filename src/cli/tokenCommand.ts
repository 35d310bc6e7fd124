import { parseArgs } from "node:util"
import { ID_PATTERN } from "../protocol/ChannelIdentifier.js"
import { signJoinToken } from "../server/JoinToken.js"
import { parseDuration } from "../server/parseDuration.js"
import { CliError } from "./CliError.js"

export const TOKEN_HELP = `Usage: p2p-streams-channel token --session <id> --peer <id> [options]

Prints a join token for one peer of one session.

Options:
  --session <id>       session id (required)
  --peer <id>          peer id (required)
  --expires-in <time>  validity, e.g. 90s, 15m, 1h, 7d (default: 1h)
  --secret <s>         signing secret (default: $P2P_STREAMS_CHANNEL_SECRET)
  -h, --help           show this help
`

/** `p2p-streams-channel token`: prints a signed join token. */
export function tokenCommand(args: string[], env: NodeJS.ProcessEnv): void {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      session: { type: "string" },
      peer: { type: "string" },
      "expires-in": { type: "string", default: "1h" },
      secret: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  })
  if (values.help) return void process.stdout.write(TOKEN_HELP)
  const { session, peer } = values
  if (!session || !ID_PATTERN.test(session)) throw new CliError("--session is required: 1-128 characters of [A-Za-z0-9_.:@-]")
  if (!peer || !ID_PATTERN.test(peer)) throw new CliError("--peer is required: 1-128 characters of [A-Za-z0-9_.:@-]")
  const secret = values.secret ?? env.P2P_STREAMS_CHANNEL_SECRET
  if (!secret) throw new CliError("no secret: pass --secret or set P2P_STREAMS_CHANNEL_SECRET (the server's secret)")
  if (secret.length < 16) throw new CliError("the secret must be at least 16 characters")
  let ttl: number
  try {
    ttl = parseDuration(values["expires-in"])
  } catch (error) {
    throw new CliError(`--expires-in: ${(error as Error).message}`)
  }
  process.stdout.write(`${signJoinToken(secret, { sessionId: session, peerId: peer, expiresAt: Date.now() + ttl })}\n`)
}
