import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { spawnSync } from "node:child_process"
import { describe, expect, it } from "vitest"
import { CLI } from "../helpers/cli.js"

function run(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8" })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

function app(): string {
  const dir = mkdtempSync(join(tmpdir(), "p2p-gen-"))
  writeFileSync(join(dir, "package.json"), "{}")
  return dir
}

describe("generators", () => {
  it("`controller chat` writes the seed-style controller, and refuses to overwrite without --force", () => {
    const dir = app()
    const first = run(dir, "controller", "chat")
    expect(first.status).toBe(0)
    expect(first.stdout).toContain("created    app/javascript/controllers/chat_controller.js")
    const source = readFileSync(join(dir, "app/javascript/controllers/chat_controller.js"), "utf8")
    expect(source).toContain('import { P2pController } from "p2p-streams-channel/stimulus"')
    expect(source).toContain("export default class ChatController extends P2pController")
    for (const callback of ["p2pNegotiating", "p2pConnecting", "p2pConnected", "p2pDisconnected", "p2pClosed", "p2pError", "p2pReceivedMessage", "p2pSendMessage"]) {
      expect(source).toContain(callback)
    }
    writeFileSync(join(dir, "app/javascript/controllers/chat_controller.js"), "// mine")
    const again = run(dir, "controller", "chat")
    expect(again.status).not.toBe(0)
    expect(again.stderr).toMatch(/exist already; nothing was written/)
    expect(readFileSync(join(dir, "app/javascript/controllers/chat_controller.js"), "utf8")).toBe("// mine")
    expect(run(dir, "controller", "chat", "--force").stdout).toContain("overwrote")
  })

  it("`controller` names multi-word controllers the Stimulus way and writes .ts on request", () => {
    const dir = app()
    expect(run(dir, "controller", "chat-room", "--typescript").status).toBe(0)
    const source = readFileSync(join(dir, "app/javascript/controllers/chat_room_controller.ts"), "utf8")
    expect(source).toContain("class ChatRoomController extends P2pController")
    expect(source).toContain('data-action="chat-room#send"')
    expect(run(dir, "controller", "bad name!").status).toBe(2)
  })

  it("`install` prints what it changes, appends the secret to .env, and refuses to overwrite", () => {
    const dir = app()
    writeFileSync(join(dir, ".env"), "PORT=4000")
    const first = run(dir, "install")
    expect(first.status).toBe(0)
    expect(first.stdout).toContain("created    p2p-signaling.js")
    expect(first.stdout).toContain("created    app/javascript/controllers/application.js")
    expect(first.stdout).toContain("appended   .env")
    expect(readFileSync(join(dir, ".env"), "utf8")).toMatch(/^PORT=4000\nP2P_STREAMS_CHANNEL_SECRET=[A-Za-z0-9_-]{43}\n$/)
    const again = run(dir, "install")
    expect(again.status).not.toBe(0)
    expect(again.stderr).toContain("p2p-signaling.js")
    const forced = run(dir, "install", "--force")
    expect(forced.stdout).toContain("kept       .env")
    expect(run(mkdtempSync(join(tmpdir(), "empty-")), "install").stderr).toMatch(/no package.json/)
  })
})
