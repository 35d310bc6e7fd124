import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { cpus, totalmem } from "node:os"

function version(command, args) {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim().split("\n")[0]
  } catch {
    return "not installed"
  }
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), "utf8")).version
  } catch {
    return "not installed"
  }
}

/** What the numbers were measured on. */
export function machine() {
  return {
    date: new Date().toISOString(),
    cpu: `${cpus()[0]?.model ?? "?"} × ${cpus().length}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    chromium: version("chromium", ["--version"]),
    firefox: version("firefox-esr", ["--version"]),
    rails: version("ruby", ["-e", "require 'rails'; print Rails.version"]),
    puma: version("puma", ["--version"]),
    ws: packageVersion("ws"),
    peer: packageVersion("peer"),
    peerjs: packageVersion("peerjs"),
    p2p: JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version,
  }
}
