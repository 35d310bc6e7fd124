import { execFileSync, spawn, type ChildProcess } from "node:child_process"
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { launchChromium, newContext } from "../helpers/browser.js"
import { freePort } from "../helpers/freePort.js"

const DUMMY = fileURLToPath(new URL("../../rails/spec/dummy/", import.meta.url))
const GEM_LIB = fileURLToPath(new URL("../../rails/lib", import.meta.url))
const GENERATED = ["config/initializers/p2p_streams_channel.rb", "config/cable.yml", "app/javascript"]

/** The dummy app as it is before the generators: no p2p files, a layout without the tags. */
function bareApp(): string {
  const dir = mkdtempSync(join(tmpdir(), "p2p-rails-app-"))
  cpSync(DUMMY, dir, { recursive: true })
  for (const path of GENERATED) rmSync(join(dir, path), { recursive: true, force: true })
  const layout = join(dir, "app/views/layouts/application.html.erb")
  writeFileSync(layout, readFileSync(layout, "utf8").replace(/^\s*<%= p2p_javascript_tags %>\n/m, ""))
  // Outside the repository the app finds the gem the way a Gemfile `path:` would: on the load path.
  const application = join(dir, "config/application.rb")
  writeFileSync(application, readFileSync(application, "utf8").replace(/\$LOAD_PATH\.unshift\(.*\)/, `$LOAD_PATH.unshift(${JSON.stringify(GEM_LIB)})`))
  return dir
}

const rails = (dir: string, ...args: string[]) => execFileSync("ruby", ["bin/rails", ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, RAILS_ENV: "development" } })

describe("rails g p2p_streams_channel:install and :controller, on an app that has neither", () => {
  let dir: string
  let first: string
  let second: string
  let puma: ChildProcess | undefined
  let browser: Browser | undefined

  beforeAll(() => {
    dir = bareApp()
    first = rails(dir, "g", "p2p_streams_channel:install")
    second = rails(dir, "g", "p2p_streams_channel:install")
    rails(dir, "g", "p2p_streams_channel:controller", "chat")
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    puma?.kill("SIGTERM")
    rmSync(dir, { recursive: true, force: true })
  })

  it("install prints each change, writes the initializer with every option, and changes nothing the second time", () => {
    for (const line of ["create  config/initializers/p2p_streams_channel.rb", "create  app/javascript/controllers/index.js", "insert  app/views/layouts/application.html.erb"]) expect(first).toContain(line)
    expect(second).not.toMatch(/\b(create|insert|append)\b/)
    expect(second).toContain("identical  config/initializers/p2p_streams_channel.rb")
    const initializer = readFileSync(join(dir, "config/initializers/p2p_streams_channel.rb"), "utf8")
    for (const option of ["secret", "allow_open_joins", "max_peers_per_session", "host_lease", "lease_renewal_interval", "session_ttl", "token_expires_in", "store", "rate_limit_per_second", "rate_limit_burst", "probe_timeout"]) {
      expect(initializer).toContain(`# config.${option} = `)
    }
    expect(readFileSync(join(dir, "app/views/layouts/application.html.erb"), "utf8").match(/p2p_javascript_tags/g)).toHaveLength(1)
  })

  it("controller writes the seed's controller, imported from \"p2p\", and registers it", () => {
    const controller = readFileSync(join(dir, "app/javascript/controllers/chat_controller.js"), "utf8")
    expect(controller).toContain('import { P2pController } from "p2p"')
    for (const callback of ["p2pNegotiating", "p2pConnecting", "p2pConnected", "p2pDisconnected", "p2pClosed", "p2pError", "p2pReceivedMessage", "p2pSendMessage", "iamHost"]) expect(controller).toContain(callback)
    expect(readFileSync(join(dir, "app/javascript/controllers/index.js"), "utf8")).toContain('application.register("chat", ChatController)')
  })

  it("the generated app chats in Chromium", async () => {
    const port = await freePort()
    puma = spawn("puma", ["--bind", `tcp://127.0.0.1:${port}?low_latency=true`, "--environment", "production", "config.ru"], { cwd: dir, env: { ...process.env, P2P_STREAMS_CHANNEL_SECRET: "generated-secret-0123456789" } })
    await new Promise<void>((resolve, reject) => {
      let output = ""
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes("Listening on")) resolve()
      }
      puma!.stdout!.on("data", onData)
      puma!.stderr!.on("data", onData)
      puma!.once("exit", () => reject(new Error(`puma exited:\n${output}`)))
    })
    browser = await launchChromium()
    const context = await newContext(browser, `http://127.0.0.1:${port}`)
    const [ann, ben] = [await context.newPage(), await context.newPage()]
    await ann.goto("/room_chat?name=ann&room=generated")
    await ben.goto("/room_chat?name=ben&room=generated")
    await expect.poll(() => ben.locator('[data-chat-target="status"]').innerText(), { timeout: 15_000 }).toMatch(/ben: connected/)
    await ben.fill('[data-chat-target="message"]', "generated on rails")
    await ben.click('[data-action="chat#send"]')
    await expect.poll(() => ann.locator('[data-chat-target="messages"]').innerText()).toContain("ben: generated on rails")
    await context.close()
  }, 60_000)
})
