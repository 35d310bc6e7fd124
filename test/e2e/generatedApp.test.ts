import { execFileSync } from "node:child_process"
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { launchChromium, newContext } from "../helpers/browser.js"
import { CLI, runCli } from "../helpers/cli.js"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))

/** A fresh Node app, set up only with `install` and `controller`, plus the few lines the README asks for. */
function makeApp(): string {
  const dir = mkdtempSync(join(tmpdir(), "p2p-app-"))
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "my-app", type: "module" }))
  mkdirSync(join(dir, "node_modules"))
  symlinkSync(ROOT, join(dir, "node_modules", "p2p-streams-channel"))
  execFileSync(process.execPath, [CLI, "install"], { cwd: dir })
  execFileSync(process.execPath, [CLI, "controller", "chat"], { cwd: dir })
  copyFileSync(join(ROOT, "test/fixtures/generated-app/server.js"), join(dir, "server.js"))
  return dir
}

describe("an app set up by `install` and `controller`", () => {
  let dir: string
  let browser: Browser
  let server: ReturnType<typeof import("node:child_process").spawn>
  let baseUrl: string

  beforeAll(async () => {
    dir = makeApp()
    const { spawn } = await import("node:child_process")
    server = spawn(process.execPath, ["server.js"], { cwd: dir })
    baseUrl = await new Promise<string>((resolve, reject) => {
      let output = ""
      server.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString()
        const match = /port (\d+)/.exec(output)
        if (match) resolve(`http://127.0.0.1:${match[1]}`)
      })
      server.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()))
      server.once("exit", () => reject(new Error(`app exited:\n${output}`)))
    })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    server?.kill()
    rmSync(dir, { recursive: true, force: true })
  })

  it("chats between two pages with the generated chat controller", async () => {
    const context = await newContext(browser, baseUrl)
    const [host, guest] = [await context.newPage(), await context.newPage()]
    await host.goto("/?name=first")
    await guest.goto("/?name=second")
    await expect.poll(() => guest.locator('[data-chat-target="status"]').innerText(), { timeout: 10_000 }).toContain("second: connected")
    await guest.fill('[data-chat-target="message"]', "generated works")
    await guest.click('[data-action="chat#send"]')
    await expect.poll(() => host.locator('[data-chat-target="messages"]').innerText()).toContain("second: generated works")
    await context.close()
  })

  it("the --typescript controller type-checks against the published types", () => {
    expect(runCli(["controller", "chat", "--typescript", "--dir", join(dir, "ts")]).status).toBe(0)
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", lib: ["ES2022", "DOM"], noEmit: true, skipLibCheck: true, noImplicitOverride: true },
      include: ["ts"],
    }))
    expect(readFileSync(join(dir, "ts", "chat_controller.ts"), "utf8")).toContain("extends P2pController")
    execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir], { cwd: dir, stdio: "pipe" })
  })
})
