import { describe, expect, it } from "vitest"
import type { EnginePage as Page } from "../helpers/enginePage.js"
import { decoding, publish, remote, showing, unpublish } from "../helpers/sessionMedia.js"
import { allConnected, useSessionPages } from "../helpers/sessionPages.js"

describe("media through the host, in Chromium with fake devices", () => {
  const pages = useSessionPages()
  let room = 0
  // Quicker than the default, not as quick as 1 s: four pages encoding three cameras on two cores
  // can miss a 1 s heartbeat, and then a link is ended and joined again (one CI run in four).
  const fast = { heartbeat: { interval_mls: 500, idle_timeout_mls: 3000 } }

  async function star(names: string[]): Promise<Page[]> {
    room += 1
    const list: Page[] = []
    for (const name of names) list.push(await pages.open(`media-${room}`, name, fast))
    await allConnected(list, names)
    return list
  }

  it("the host's camera and a client's camera reach every other page and decode; a late joiner gets both; unpublish removes it everywhere", async () => {
    const [ann, ben, cat] = await star(["ann", "ben", "cat"])
    await publish(ann!, "camera")
    await publish(ben!, "camera")
    for (const [page, expected] of [[ann!, ["ben/camera"]], [ben!, ["ann/camera"]], [cat!, ["ann/camera", "ben/camera"]]] as const) {
      await expect.poll(() => showing(page), { timeout: 20_000 }).toEqual(expected)
      for (const key of expected) await decoding(page, key)
    }
    expect((await remote(cat!)).find((entry) => entry.peerId === "ben")).toMatchObject({ event: "added", name: "camera", kinds: ["audio", "video"] })

    const dan = await pages.open(`media-${room}`, "dan", fast)
    await expect.poll(() => showing(dan), { timeout: 20_000 }).toEqual(["ann/camera", "ben/camera"])
    await decoding(dan, "ben/camera")

    await unpublish(ben!, "camera")
    for (const page of [ann!, cat!, dan]) await expect.poll(() => showing(page), { timeout: 10_000 }).not.toContain("ben/camera")
    expect((await remote(cat!)).filter((entry) => entry.event === "removed").map((entry) => entry.peerId)).toEqual(["ben"])
  }, 120_000)

  it("two clients publishing at the same moment both land everywhere (offers that cross are resolved)", async () => {
    const [ann, ben, cat] = await star(["ann", "ben", "cat"])
    await Promise.all([publish(ben!, "cam"), publish(cat!, "cam"), publish(ann!, "cam")])
    await expect.poll(() => showing(ann!), { timeout: 20_000 }).toEqual(["ben/cam", "cat/cam"])
    await expect.poll(() => showing(ben!), { timeout: 20_000 }).toEqual(["ann/cam", "cat/cam"])
    await expect.poll(() => showing(cat!), { timeout: 20_000 }).toEqual(["ann/cam", "ben/cam"])
    await decoding(ben!, "cat/cam")
    await decoding(cat!, "ben/cam")
  }, 120_000)

  it("a publisher leaving ends its stream everywhere; the host leaving heals, and the others' streams reach everyone again", async () => {
    const [ann, ben, cat, dan] = await star(["ann", "ben", "cat", "dan"])
    for (const page of [ann!, ben!, cat!]) await publish(page, "cam")
    await expect.poll(() => showing(dan!), { timeout: 20_000 }).toEqual(["ann/cam", "ben/cam", "cat/cam"])
    await ann!.close()
    await expect.poll(() => showing(dan!), { timeout: 20_000 }).toEqual(["ben/cam", "cat/cam"])
    await expect.poll(() => showing(ben!), { timeout: 20_000 }).toEqual(["cat/cam"])
    await expect.poll(() => showing(cat!), { timeout: 20_000 }).toEqual(["ben/cam"])
    await decoding(dan!, "cat/cam")
    await decoding(ben!, "cat/cam")
    await cat!.close()
    await expect.poll(() => showing(dan!), { timeout: 20_000 }).toEqual(["ben/cam"])
    await decoding(dan!, "ben/cam")
  }, 120_000)

  it("maxBitrate caps the video on every hop: the publisher's encoder and the host's copy for each client", async () => {
    const [ann, ben, cat] = await star(["ann", "ben", "cat"])
    const streamId = await ben!.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true })
      await (window as unknown as { p2p: { publish(stream: MediaStream, options: object): Promise<void> } }).p2p.publish(stream, { name: "cam", maxBitrate: 150_000 })
      return stream.id
    })
    await expect.poll(() => showing(cat!), { timeout: 20_000 }).toEqual(["ben/cam"])
    await decoding(cat!, "ben/cam")
    type Internals = { p2p: { role: { link?: { media: { senders: Map<string, Map<MediaStreamTrack, RTCRtpSender>> } }; links?: Map<string, { media: { senders: Map<string, Map<MediaStreamTrack, RTCRtpSender>> } }> } } }
    const caps = (page: Page, link: string | null) =>
      page.evaluate(([streamId, link]) => {
        const role = (window as unknown as Internals).p2p.role
        const media = link ? role.links!.get(link)!.media : role.link!.media
        return [...(media.senders.get(streamId as string) ?? new Map()).entries()].filter(([track]) => track.kind === "video").map(([, sender]) => sender.getParameters().encodings[0]?.maxBitrate)
      }, [streamId, link] as const)
    await expect.poll(() => caps(ben!, null), { timeout: 10_000 }).toEqual([150_000])
    await expect.poll(() => caps(ann!, "cat"), { timeout: 10_000 }).toEqual([150_000])
    // And the video that reaches cat stays near the cap.
    const received = () => cat!.evaluate(async () => {
      const role = (window as unknown as { p2p: { role: { link: { pc: RTCPeerConnection } } } }).p2p.role
      let bytes = 0
      ;(await role.link.pc.getStats()).forEach((report: { type: string; kind?: string; bytesReceived?: number }) => {
        if (report.type === "inbound-rtp" && report.kind === "video") bytes += report.bytesReceived ?? 0
      })
      return bytes
    })
    const before = await received()
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const bitsPerSecond = ((await received()) - before) * 8 / 3
    expect(bitsPerSecond).toBeGreaterThan(0)
    expect(bitsPerSecond).toBeLessThan(150_000 * 1.5)
  }, 120_000)
})
