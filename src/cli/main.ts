#!/usr/bin/env node
import { CliError } from "./CliError.js"
import { SERVE_HELP, serveCommand } from "./serveCommand.js"
import { TOKEN_HELP, tokenCommand } from "./tokenCommand.js"

const HELP = `Usage: p2p-streams-channel <command> [options]

Commands:
  serve    start the signaling server
  token    print a join token for a peer of a session
  help     show this help, or a command's: help serve

Run "p2p-streams-channel <command> --help" for a command's options.
`

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv
  switch (command) {
    case "serve":
      return serveCommand(args, process.env)
    case "token":
      return tokenCommand(args, process.env)
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(args[0] === "serve" ? SERVE_HELP : args[0] === "token" ? TOKEN_HELP : HELP)
      return
    default:
      throw new CliError(`unknown command "${command}"\n\n${HELP}`)
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const usage = error instanceof CliError || (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))
  process.stderr.write(`p2p-streams-channel: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(usage ? 2 : 1)
})
