import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))

describe("the packed tarball, installed in a fresh app", () => {
  let work: string
  let tarball: string
  let files: string[]
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "p2p-pack-"))
    const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: ROOT, encoding: "utf8" })) as Array<{ filename: string; files: Array<{ path: string }> }>
    tarball = join(work, packed[0]!.filename)
    files = packed[0]!.files.map((file) => file.path)
    execFileSync("tar", ["-xzf", tarball, "-C", work])
  }, 60_000)
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  it("ships its metadata, no build script, and nothing from a bench run", () => {
    const manifest = JSON.parse(readFileSync(join(work, "package", "package.json"), "utf8")) as Record<string, unknown>
    expect(manifest).toMatchObject({ repository: expect.anything(), homepage: expect.stringMatching(/^https:/), keywords: expect.arrayContaining(["webrtc"]) })
    expect(Object.keys(manifest.scripts as object)).not.toEqual(expect.arrayContaining(["prepare"]))
    for (const hook of ["preinstall", "install", "postinstall", "prepare"]) expect((manifest.scripts as Record<string, string>)[hook]).toBeUndefined()
    expect(files.filter((path) => /bench/.test(path))).toEqual([])
  })

  it("every source map carries the sources it points at", () => {
    const maps = files.filter((path) => path.endsWith(".map"))
    expect(maps.length).toBeGreaterThan(10)
    for (const path of maps) {
      const map = JSON.parse(readFileSync(join(work, "package", path), "utf8")) as { sources: string[]; sourcesContent?: Array<string | null> }
      expect(map.sourcesContent?.length, path).toBe(map.sources.length)
      expect(map.sourcesContent!.every((content) => typeof content === "string" && content.length > 0), path).toBe(true)
    }
  })

  it("installs without the server's optional Redis client and without running scripts; the browser and server modules load", () => {
    const app = join(work, "app")
    execFileSync("mkdir", ["-p", app])
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "fresh-app", type: "module", private: true }))
    // Offline: the tests' network namespace has no registry; npm test put the dependencies in npm's
    // cache before entering it (scripts/warm-npm-cache.sh).
    execFileSync("npm", ["install", tarball, "--no-audit", "--no-fund", "--offline", "--foreground-scripts"], { cwd: app, stdio: "pipe" })
    expect(existsSync(join(app, "node_modules", "ioredis"))).toBe(false)
    expect(existsSync(join(app, "node_modules", "prom-client"))).toBe(false)
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", `
      const client = await import("p2p-streams-channel/client")
      const server = await import("p2p-streams-channel/server")
      console.log(typeof client.P2pSession, typeof server.SignalingServer)
      try { new server.SignalingServer({ secret: "x".repeat(16), redis: "redis://127.0.0.1:1" }) } catch (error) { console.log(error.message) }
    `], { cwd: app, encoding: "utf8" })
    expect(out).toContain("function function")
    expect(out).toContain("the `redis` option needs the ioredis package: npm install ioredis")
  }, 120_000)
})
