import { execFileSync, spawn, type ChildProcess } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { launchChromium, newContext } from "../helpers/browser.js"
import { CLI, runCli } from "../helpers/cli.js"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))

/**
 * A fresh Express app set up by following what `install` and `controller` print, literally: the
 * three steps' lines go into server.js as printed, and the page renders the markup `controller`
 * printed. No other wiring.
 */
function makeApp(): { dir: string; installOutput: string } {
  const dir = mkdtempSync(join(tmpdir(), "p2p-app-"))
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "my-app", type: "module" }))
  mkdirSync(join(dir, "node_modules"))
  symlinkSync(ROOT, join(dir, "node_modules", "p2p-streams-channel"))
  symlinkSync(join(ROOT, "node_modules", "express"), join(dir, "node_modules", "express"))
  const installOutput = execFileSync(process.execPath, [CLI, "install"], { cwd: dir, encoding: "utf8" })
  const controllerOutput = execFileSync(process.execPath, [CLI, "controller", "chat"], { cwd: dir, encoding: "utf8" })
  const markup = controllerOutput.slice(controllerOutput.indexOf('<div data-controller="chat">')).trim()
  const step = (pattern: RegExp) => {
    const line = installOutput.split("\n").find((text) => pattern.test(text))
    if (!line) throw new Error(`install printed no line matching ${pattern}:\n${installOutput}`)
    return line.split("//")[0]!.replace(/^\s*(\d\.\s*In your pages' <head>:\s*)?/, "").trim()
  }
  writeFileSync(join(dir, "server.js"), `import express from "express"
${step(/import \{ mountSignaling/)}
const app = express()
${step(/app\.use\(p2pMiddleware\)/)}
app.get("/", (req, res) => res.send(\`<!doctype html><head>\${p2pHead}</head><body>\${p2pFrame({ sessionId: "room-1", peerId: String(req.query.name), content: ${JSON.stringify(markup)} })}</body>\`))
const server = app.listen(0, "127.0.0.1", () => console.log(\`port \${server.address().port}\`))
${step(/mountSignaling\(server\)/)}
`)
  return { dir, installOutput }
}

describe("an app set up by following what `install` and `controller` print", () => {
  let dir: string
  let installOutput: string
  let browser: Browser
  let server: ChildProcess
  let baseUrl: string

  beforeAll(async () => {
    ;({ dir, installOutput } = makeApp())
    // No secret in the environment: the app must read the one install wrote to .env.
    const env = { ...process.env }
    delete env.P2P_STREAMS_CHANNEL_SECRET
    server = spawn(process.execPath, ["server.js"], { cwd: dir, env })
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

  it("install git-ignores the .env it writes the secret to, and prints the three steps", () => {
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toBe(".env\n")
    expect(readFileSync(join(dir, ".env"), "utf8")).toMatch(/^P2P_STREAMS_CHANNEL_SECRET=/)
    expect(installOutput).toMatch(/1\. In your server[\s\S]*2\. In your pages' <head>[\s\S]*3\. npx p2p-streams-channel controller chat/)
    expect(readFileSync(join(dir, "app/javascript/controllers/index.js"), "utf8")).toContain('application.register("chat", ChatController)')
  })

  it("chats between two pages with the generated chat controller", async () => {
    const context = await newContext(browser, baseUrl)
    const [host, guest] = [await context.newPage(), await context.newPage()]
    const errors: string[] = []
    for (const page of [host, guest]) page.on("pageerror", (error) => errors.push(error.message))
    await host.goto("/?name=first")
    await guest.goto("/?name=second")
    await expect.poll(() => guest.locator('[data-chat-target="status"]').innerText(), { timeout: 10_000 }).toContain("second: connected")
    await guest.fill('[data-chat-target="message"]', "generated works")
    await guest.press('[data-chat-target="message"]', "Enter")
    await expect.poll(() => host.locator('[data-chat-target="messages"]').innerText()).toContain("second: generated works")
    await host.fill('[data-chat-target="message"]', "and back")
    await host.click('[data-action="chat#send"]')
    await expect.poll(() => guest.locator('[data-chat-target="messages"]').innerText()).toContain("first: and back")
    expect(errors).toEqual([])
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
