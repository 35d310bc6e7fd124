import { resolve } from "node:path"
import { parseArgs } from "node:util"
import { CliError } from "./CliError.js"
import { controllerTemplate } from "./templates/controllerTemplate.js"
import { writeFiles } from "./writeFiles.js"

export const CONTROLLER_HELP = `Usage: p2p-streams-channel controller <name> [options]

Writes a Stimulus controller extending P2pController, with every p2p callback stubbed.

  p2p-streams-channel controller chat   ->  app/javascript/controllers/chat_controller.js

Options:
  --typescript   write chat_controller.ts instead
  --dir <path>   controllers folder (default: app/javascript/controllers)
  --force        overwrite an existing file
  -h, --help     show this help
`

/** `p2p-streams-channel controller <name>`. */
export function controllerCommand(args: string[], cwd: string): void {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      typescript: { type: "boolean", default: false },
      dir: { type: "string", default: "app/javascript/controllers" },
      force: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  })
  if (values.help) return void process.stdout.write(CONTROLLER_HELP)
  const [name, ...rest] = positionals
  if (!name || rest.length > 0) throw new CliError(`give one controller name, e.g. "controller chat"\n\n${CONTROLLER_HELP}`)
  if (!/^[a-z][a-z0-9]*([_-][a-z0-9]+)*$/i.test(name)) throw new CliError(`"${name}" is not a controller name (letters, digits, _ or -)`)
  const words = name.split(/[_-]/)
  const fileBase = words.map((word) => word.toLowerCase()).join("_")
  const className = words.map((word) => word[0]!.toUpperCase() + word.slice(1).toLowerCase()).join("") + "Controller"
  const identifier = words.map((word) => word.toLowerCase()).join("-")
  const content = controllerTemplate(className, identifier, values.typescript)
  const path = resolve(cwd, values.dir, `${fileBase}_controller.${values.typescript ? "ts" : "js"}`)
  writeFiles([{ path, content }], { force: values.force, cwd })
  process.stdout.write(`\nUse it inside a <p2p-frame>: <div data-controller="${identifier}">…</div>\n`)
}
