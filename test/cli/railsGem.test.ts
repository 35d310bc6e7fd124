import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { VENDORED } from "../../scripts/vendor-rails.mjs"
import { PRECONNECT_SCRIPT } from "../../src/server/preconnectScript.js"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))

describe("the Rails gem in rails/", () => {
  it("ships the browser client this repository builds (npm run build refreshes the copy)", () => {
    for (const [name, source] of Object.entries(VENDORED as Record<string, string>)) {
      const vendored = readFileSync(join(ROOT, "rails/vendor/javascript", name))
      expect(vendored.equals(readFileSync(source)), `rails/vendor/javascript/${name} is stale: run npm run build`).toBe(true)
    }
  })

  it("renders the same preconnect script after a frame as p2pFrameTag", () => {
    const ruby = spawnSync("ruby", ["-e", 'require "./lib/p2p_streams_channel/frame_helper"; print P2pStreamsChannel::FrameHelper::PRECONNECT_SCRIPT'], { cwd: join(ROOT, "rails"), encoding: "utf8" })
    expect(ruby.stderr).toBe("")
    expect(ruby.stdout).toBe(PRECONNECT_SCRIPT)
  })

  it("has the npm package's version", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }
    expect(readFileSync(join(ROOT, "rails/lib/p2p_streams_channel/version.rb"), "utf8")).toContain(`VERSION = "${version}"`)
  })
})
