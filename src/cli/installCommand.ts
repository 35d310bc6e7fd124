import { randomBytes } from "node:crypto"
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { CliError } from "./CliError.js"
import { CONTROLLERS_INDEX, INSTALL_NEXT_STEPS, SIGNALING_MODULE, STIMULUS_APPLICATION } from "./templates/installTemplates.js"
import { writeFiles } from "./writeFiles.js"

export const INSTALL_HELP = `Usage: p2p-streams-channel install [options]

Sets up an existing Node app, printing every change:
  p2p-signaling.js                          the signaling server, middleware, head tags, frame helper
  app/javascript/controllers/application.js Stimulus, with <p2p-frame> defined
  app/javascript/controllers/index.js       registers your controllers (controller NAME adds them)
  .env                                      P2P_STREAMS_CHANNEL_SECRET (appended if missing)
  .gitignore                                .env (appended if missing)

Refuses to overwrite an existing file unless --force.

Options:
  --force      overwrite existing files
  -h, --help   show this help
`

/** `p2p-streams-channel install`. */
export function installCommand(args: string[], cwd: string): void {
  const { values } = parseArgs({
    args,
    options: { force: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
  })
  if (values.help) return void process.stdout.write(INSTALL_HELP)
  if (!existsSync(join(cwd, "package.json"))) throw new CliError("no package.json here: run install at the root of your Node app")
  writeFiles(
    [
      { path: join(cwd, "p2p-signaling.js"), content: SIGNALING_MODULE },
      { path: join(cwd, "app/javascript/controllers/application.js"), content: STIMULUS_APPLICATION },
      { path: join(cwd, "app/javascript/controllers/index.js"), content: CONTROLLERS_INDEX },
    ],
    { force: values.force, cwd },
  )
  writeSecret(join(cwd, ".env"))
  ignoreEnvFile(join(cwd, ".gitignore"))
  process.stdout.write(INSTALL_NEXT_STEPS)
}

function writeSecret(envPath: string): void {
  const env = existsSync(envPath) ? readFileSync(envPath, "utf8") : undefined
  if (env !== undefined && /^P2P_STREAMS_CHANNEL_SECRET=/m.test(env)) {
    process.stdout.write(`kept       .env (P2P_STREAMS_CHANNEL_SECRET is set)\n`)
    return
  }
  const line = `P2P_STREAMS_CHANNEL_SECRET=${randomBytes(32).toString("base64url")}\n`
  if (env === undefined) writeFileSync(envPath, line)
  else appendFileSync(envPath, `${env.endsWith("\n") || env === "" ? "" : "\n"}${line}`)
  process.stdout.write(`${env === undefined ? "created   " : "appended  "} .env (P2P_STREAMS_CHANNEL_SECRET)\n`)
}

// The secret must not reach the repository.
function ignoreEnvFile(ignorePath: string): void {
  const ignore = existsSync(ignorePath) ? readFileSync(ignorePath, "utf8") : undefined
  if (ignore !== undefined && /^\/?\.env$/m.test(ignore)) return void process.stdout.write("kept       .gitignore (.env is ignored)\n")
  if (ignore === undefined) writeFileSync(ignorePath, ".env\n")
  else appendFileSync(ignorePath, `${ignore.endsWith("\n") || ignore === "" ? "" : "\n"}.env\n`)
  process.stdout.write(`${ignore === undefined ? "created   " : "appended  "} .gitignore (.env)\n`)
}
