import { expect } from "vitest"
import type { EnginePage as Page } from "./enginePage.js"

/** Publishing from a session page (test/helpers/sessionPages.ts) and watching what it shows. */

export type Remote = { event: "added" | "removed"; peerId: string; name: string; id: string; kinds?: string[] }

export const remote = (page: Page) => page.evaluate(() => (window as unknown as { remote: Remote[] }).remote)
/** The streams a page shows now: `peer/name`, sorted. */
export const showing = (page: Page) => page.evaluate(() => Object.keys((window as unknown as { videos: object }).videos).sort())
export const publish = (page: Page, name: string) => page.evaluate((name) => (window as unknown as { publishCamera(name: string): Promise<string> }).publishCamera(name), name)
export const unpublish = (page: Page, name: string) =>
  page.evaluate((name) => {
    const scope = window as unknown as { p2p: { unpublish(stream: MediaStream): Promise<void> }; mine: Record<string, MediaStream> }
    return scope.p2p.unpublish(scope.mine[name]!)
  }, name)
export const watching = (page: Page, key: string) => page.evaluate((key) => (window as unknown as { watching(key: string): { frames: number; width: number; height: number; audio: number } | null }).watching(key), key)

/** Audio samples received and video frames decoded so far on every link of a page (getStats, inbound-rtp). */
export const inbound = (page: Page) =>
  page.evaluate(async () => {
    const role = (window as unknown as { p2p: { role: { link?: { pc: RTCPeerConnection }; links?: Map<string, { pc: RTCPeerConnection }> } } }).p2p.role
    const links = role.link ? [role.link] : [...(role.links?.values() ?? [])]
    let samples = 0
    let frames = 0
    for (const link of links) {
      ;(await link.pc.getStats()).forEach((report: { type: string; kind?: string; totalSamplesReceived?: number; framesDecoded?: number }) => {
        if (report.type === "inbound-rtp" && report.kind === "audio") samples += report.totalSamplesReceived ?? 0
        if (report.type === "inbound-rtp" && report.kind === "video") frames += report.framesDecoded ?? 0
      })
    }
    return { samples, frames }
  })

/** Video from `key` is decoding on `page` (a size, frames still coming) and audio is arriving. */
export async function decoding(page: Page, key: string): Promise<void> {
  await expect.poll(async () => (await watching(page, key))?.width ?? 0, { timeout: 20_000 }).toBeGreaterThan(0)
  const before = (await watching(page, key))!
  expect(before.audio).toBe(1)
  await expect.poll(async () => (await watching(page, key))?.frames ?? 0, { timeout: 10_000 }).toBeGreaterThan(before.frames)
  const stats = await inbound(page)
  await expect.poll(async () => (await inbound(page)).samples, { timeout: 10_000 }).toBeGreaterThan(stats.samples)
  await expect.poll(async () => (await inbound(page)).frames, { timeout: 10_000 }).toBeGreaterThan(stats.frames)
}


/**
 * Video from `key` plays on `page` and goes on playing: frames still come a few seconds after the
 * first one (a stream that stalls after its first frames, or after a renegotiation, fails here).
 */
export async function keepsPlaying(page: Page, key: string, settleMs = 3000): Promise<void> {
  await expect.poll(async () => (await watching(page, key))?.width ?? 0, { timeout: 20_000 }).toBeGreaterThan(0)
  await new Promise((resolve) => setTimeout(resolve, settleMs))
  const before = (await watching(page, key))?.frames ?? 0
  // At least a few frames in the next seconds: a stalled stream shows none (this machine's two cores,
  // shared by every page, may slow one that plays).
  await expect.poll(async () => ((await watching(page, key))?.frames ?? 0) - before, { timeout: 10_000 }).toBeGreaterThanOrEqual(5)
}

/** Publishes a camera at `at` (ms since the epoch; the pages share this machine's clock), its device opened before. */
export const publishAt = (page: Page, name: string, at: number) =>
  page.evaluate(async ([name, at]) => {
    const scope = window as unknown as { p2p: { publish(stream: MediaStream, options: object): Promise<void> }; mine: Record<string, MediaStream> }
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: true })
    scope.mine[name as string] = stream
    await new Promise((resolve) => setTimeout(resolve, (at as number) - Date.now()))
    await scope.p2p.publish(stream, { name })
  }, [name, at] as const)
