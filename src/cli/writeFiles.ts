import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { dirname, relative } from "node:path"
import { CliError } from "./CliError.js"

export interface PlannedFile {
  path: string
  content: string
}

/**
 * Writes every planned file, or none: without `force`, any that exists already stops the command
 * before anything is written. Prints one line per file.
 */
export function writeFiles(files: PlannedFile[], { force, cwd }: { force: boolean; cwd: string }): void {
  const existing = files.filter((file) => existsSync(file.path))
  if (existing.length > 0 && !force) {
    const list = existing.map((file) => `  ${relative(cwd, file.path)}`).join("\n")
    throw new CliError(`these files exist already; nothing was written (use --force to overwrite):\n${list}`, { cause: "exists" })
  }
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true })
    const verb = existsSync(file.path) ? "overwrote" : "created"
    writeFileSync(file.path, file.content)
    process.stdout.write(`${verb.padEnd(10)} ${relative(cwd, file.path)}\n`)
  }
}
