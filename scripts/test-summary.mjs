// Prints one line per suite of `npm test`: its test count and its time. Reads the times that
// scripts/test.sh recorded and the JSON reports vitest wrote into the folder given as argument.
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"

const folder = process.argv[2]
const times = readFileSync(join(folder, "times"), "utf8").trim().split("\n").map((line) => line.split(" "))
const lines = times.map(([suite, seconds]) => {
  const report = join(folder, `${suite}.json`)
  let count = "-"
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, "utf8"))
    // vitest's JSON report, or RSpec's (summary.example_count).
    const total = json.numTotalTests ?? json.summary?.example_count
    const failed = json.numFailedTests ?? json.summary?.failure_count ?? 0
    count = failed > 0 ? `${total - failed}/${total} passed` : `${total} tests`
  }
  return `${suite.padEnd(10)} ${count.padStart(16)} ${`${seconds} s`.padStart(7)}`
})
const total = times.reduce((sum, [, seconds]) => sum + Number(seconds), 0)
process.stdout.write(`\nsuite                 tests    time\n${lines.join("\n")}\n${"total".padEnd(10)} ${"".padStart(16)} ${`${total} s`.padStart(7)}\n`)
