import { spawnSync } from "node:child_process"
import { describe, expect, it } from "vitest"

// The benchmarks are not run by `npm test`; this only checks that each starts and prints its tables.
function bench(script: string): string {
  const result = spawnSync(process.execPath, [`bench/${script}`, "--smoke"], { encoding: "utf8", timeout: 180_000 })
  expect(result.status, result.stderr).toBe(0)
  return result.stdout
}

describe("benchmarks (smoke)", () => {
  it("bench:signaling starts the servers and prints its tables", () => {
    const output = spawnSync(process.execPath, ["bench/signaling.mjs", "--smoke", "--only", "p2p,ws"], { encoding: "utf8", timeout: 180_000 }).stdout
    expect(output).toMatch(/Idle memory per subscribed connection/)
    expect(output).toMatch(/\| p2p-streams-channel +\| [\d,]+ +\| 1\.00× +\|/)
    expect(output).toMatch(/plain ws relay \(floor\)/)
    expect(output).toMatch(/subscribe → SessionReady/)
    expect(output).toMatch(/\| p2p-streams-channel +\| [\d,]+ +\| [\d.]+ +\| [\d.]+ +\| [\d.]+ +\| [\d.]+ +\|/)
  }, 200_000)

  it("bench:browser builds both stars and prints its tables", () => {
    const output = bench("browser.mjs")
    expect(output).toMatch(/Time to connected, 1 host \+ N clients/)
    expect(output).toMatch(/raw RTCDataChannel, page → page/)
    expect(output).toMatch(/\| tab closed +\| \d+/)
    expect(output).toMatch(/\| data channel open +\| \d+ +\| \d+ +\| \d+ +\|/)
    expect(output).toMatch(/\| 2 +(\| [\d,]+ +){8}\| [\d.]+× +\| [\d.]+× +\|/)
    expect(output).toMatch(/Time to connected with the servers 25 ms away/)
    expect(output).toMatch(/\| p2p-streams-channel +(\| [\d,]+ +){3}\| [\d.]+× +\| [\d.]+× +\|/)
    expect(output).toMatch(/Time to connected across browser engines/)
    expect(output).toMatch(/\| Firefox +\| Chromium +(\| [\d,]+ +){3}\| [\d.]+× +\|/)
    expect(output).toMatch(/\| Chromium +\| Firefox +(\| [\d,]+ +){3}\| [\d.]+× +\|/)
  }, 200_000)

  it("bench:files sends a file each way and prints its tables", () => {
    const output = bench("files.mjs")
    expect(output).toMatch(/p2p sendFile, host → 1 client +\| [\d.]+ +\| [\d.]+ +\| [\d.]+×/)
    expect(output).toMatch(/raw RTCDataChannel, page → page +\| [\d.]+ +\| [\d.]+ +\| 1\.00×/)
    expect(output).toMatch(/Peak JS heap during the transfer/)
    expect(output).toMatch(/\| a transfer runs +\| \d+/)
  }, 200_000)

  it("bench:media publishes from the host and from a client, with PeerJS alongside, and prints its table", () => {
    const output = bench("media.mjs")
    expect(output).toMatch(/\| 2 +\| host publishes +\| \d+ \/ \d+ +\| \d+ \/ \d+ +\| [\d.]+ \/ [\d.]+/)
    expect(output).toMatch(/\| 2 +\| a client publishes +\|/)
  }, 200_000)
})
