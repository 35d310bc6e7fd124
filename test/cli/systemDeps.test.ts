import { spawnSync } from "node:child_process"
import { mkdtempSync, symlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const SCRIPT = fileURLToPath(new URL("../../scripts/system-deps.sh", import.meta.url))

/** A PATH holding only the given commands, so the others look missing. */
function pathWith(commands: string[]): string {
  const bin = mkdtempSync(join(tmpdir(), "p2p-path-"))
  for (const command of commands) {
    const found = spawnSync("bash", ["-c", `command -v ${command}`], { encoding: "utf8" }).stdout.trim()
    if (found) symlinkSync(found, join(bin, command))
  }
  return bin
}

describe("npm test's system packages", () => {
  it("says nothing and goes on when everything is there", () => {
    const result = spawnSync(SCRIPT, { encoding: "utf8" })
    expect(result.status).toBe(0)
    expect(result.stderr).toBe("")
  })

  it("where it may not install (not root), stops at once with the exact command to run", () => {
    // A user namespace without a mapping makes this process uid 65534, as a normal user would be.
    const PATH = pathWith(["bash", "id", "apt-get", "ip", "unshare", "sed"])
    const result = spawnSync("unshare", ["-U", SCRIPT], { encoding: "utf8", env: { PATH } })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/the Rails suite will be skipped: missing ruby-rails \(the Rails suite\) puma \(the Rails suite\) ruby-rspec-rails \(the gem's specs\) chromium-driver \(the gem's system specs\) ruby-capybara \(the gem's system specs\)/)
    expect(result.stderr).toMatch(/missing chromium \(the browser suites\) firefox-esr \(the Firefox suite\) redis-server \(the Redis suites\) coturn \(the TURN suite\) nftables \(the flaky-network suite\)/)
    expect(result.stderr).toMatch(/sudo apt-get install -y chromium firefox-esr redis-server coturn nftables ruby-rails puma ruby-rspec-rails chromium-driver ruby-capybara ruby-selenium-webdriver ruby-redis$/m)
  })
})
