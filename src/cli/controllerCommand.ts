import { appendFileSync, existsSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { parseArgs } from "node:util"
import { CliError } from "./CliError.js"
import { controllerMarkup, controllerTemplate } from "./templates/controllerTemplate.js"
import { registration } from "./templates/installTemplates.js"
import { writeFiles } from "./writeFiles.js"

export const CONTROLLER_HELP = `Usage: p2p-streams-channel controller <name> [options]

Writes a Stimulus controller extending P2pController, with every p2p callback stubbed, registers
it in the folder's index.js when there is one (install writes it), and prints its markup.

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
  if (!values.typescript) register(join(dirname(path), "index.js"), registration(className, identifier, fileBase), identifier, cwd)
  process.stdout.write(`\nUse it inside a <p2p-frame> (p2pFrame's content):\n\n${controllerMarkup(identifier)}\n`)
}

// Pages load the index (p2pHead), so a controller registered there works with no other step.
function register(indexPath: string, lines: string, identifier: string, cwd: string): void {
  if (!existsSync(indexPath)) return
  const index = readFileSync(indexPath, "utf8")
  if (index.includes(lines.split("\n")[0]!)) return
  appendFileSync(indexPath, `${index.endsWith("\n") || index === "" ? "" : "\n"}${lines}`)
  process.stdout.write(`${"updated".padEnd(10)} ${relative(cwd, indexPath)} (registers ${identifier})\n`)
}
