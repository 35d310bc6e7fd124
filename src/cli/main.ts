#!/usr/bin/env node
import { CliError } from "./CliError.js"
import { CONTROLLER_HELP, controllerCommand } from "./controllerCommand.js"
import { INSTALL_HELP, installCommand } from "./installCommand.js"
import { SERVE_HELP, serveCommand } from "./serveCommand.js"
import { TOKEN_HELP, tokenCommand } from "./tokenCommand.js"

const HELP = `Usage: p2p-streams-channel <command> [options]

Commands:
  serve       start the signaling server with the demo room
  token       print a join token for a peer of a session
  controller  write a Stimulus controller extending P2pController
  install     set up an existing Node app
  help        show this help, or a command's: help serve

Run "p2p-streams-channel <command> --help" for a command's options.
`

const COMMAND_HELP: Record<string, string> = { serve: SERVE_HELP, token: TOKEN_HELP, controller: CONTROLLER_HELP, install: INSTALL_HELP }

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv
  switch (command) {
    case "serve":
      return serveCommand(args, process.env)
    case "token":
      return tokenCommand(args, process.env)
    case "controller":
      return controllerCommand(args, process.cwd())
    case "install":
      return installCommand(args, process.cwd())
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(COMMAND_HELP[args[0] ?? ""] ?? HELP)
      return
    default:
      throw new CliError(`unknown command "${command}"\n\n${HELP}`)
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const usage = error instanceof CliError || error instanceof TypeError
  process.stderr.write(`p2p-streams-channel: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(usage ? 2 : 1)
})
