import type { BrowserContext, Page } from "playwright-core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { joinDemo, newContext } from "../helpers/browser.js"
import { expectStatuses, useDemoServer } from "../helpers/demoRoom.js"

const SECRET = "ux-secret-0123456789abcdef"
const HEARTBEAT = "interval_mls=250&idle_timeout_mls=1000"

/** How far the page scrolls sideways: 0 when it fits the viewport. */
const sidewaysOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)

describe("the demo room as a person meets it", () => {
  const fixture = useDemoServer(SECRET)
  let context: BrowserContext
  let room = 0
  beforeEach(async () => {
    context = await newContext(fixture.browser, fixture.serve.baseUrl)
    room += 1
  })
  afterEach(async () => {
    await context.close()
  })
  const join = (name: string) => joinDemo(context, name, `room=ux-${room}&${HEARTBEAT}`)

  it("a file attached on one page shows with a progress bar and a download link on the others; a message goes to one peer", async () => {
    const [ann, ben, cat] = [await join("ann"), await join("ben"), await join("cat")]
    for (const page of [ann, ben, cat]) await expectStatuses(page, ["ann: connected", "ben: connected", "cat: connected"])
    const content = Buffer.alloc(3 * 1024 * 1024, "p2p-streams-channel ")
    await ben.setInputFiles('input[data-chat-target="file"]', { name: "notes.txt", mimeType: "text/plain", buffer: content })
    for (const page of [ann, cat]) {
      const link = page.locator('[data-chat-target="messages"] a[download="notes.txt"]')
      await link.waitFor({ timeout: 15_000 })
      expect(await page.locator('[data-chat-target="messages"]').innerText()).toContain("ben sent notes.txt (3.0 MB)")
      const downloaded = await link.evaluate(async (a: HTMLAnchorElement) => (await (await fetch(a.href)).text()).length)
      expect(downloaded).toBe(content.length)
    }
    await expect.poll(() => ben.locator('[data-chat-target="messages"]').innerText()).toContain("you sent notes.txt (3.0 MB) — everyone has it")

    await ben.selectOption('select[data-chat-target="recipient"]', "cat")
    await ben.fill('input[data-chat-target="message"]', "just for cat")
    await ben.click('input[data-action="chat#send"]')
    await expect.poll(() => cat.locator('[data-chat-target="messages"]').innerText()).toContain("ben → you: just for cat")
    await expect.poll(() => ben.locator('[data-chat-target="messages"]').innerText()).toContain("you → cat: just for cat")
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await ann.locator('[data-chat-target="messages"]').innerText()).not.toContain("just for cat")
  })

  it("camera, microphone and screen buttons share to the others' video grid, named; pressing again stops", async () => {
    const [ann, ben] = [await join("ann"), await join("ben")]
    for (const page of [ann, ben]) await expectStatuses(page, ["ann: connected", "ben: connected"])
    await ann.click('button[data-action="chat#toggleCamera"]')
    await ann.click('button[data-action="chat#toggleScreen"]')
    const captions = async (page: Page) => (await page.locator('[data-chat-target="videos"] figcaption').allInnerTexts()).sort()
    await expect.poll(() => captions(ben), { timeout: 15_000 }).toEqual(["ann · camera", "ann · screen"])
    expect(await captions(ann)).toEqual(["you · camera", "you · screen"])
    expect(await ann.getAttribute('button[data-action="chat#toggleCamera"]', "aria-pressed")).toBe("true")
    const width = () => ben.locator('figure[data-key="ann/camera"] video').evaluate((video: HTMLVideoElement) => video.videoWidth)
    await expect.poll(width, { timeout: 15_000 }).toBeGreaterThan(0)
    await ben.click('button[data-action="chat#toggleMicrophone"]')
    await expect.poll(() => captions(ann), { timeout: 15_000 }).toEqual(["ben · microphone", "you · camera", "you · screen"])
    await ann.click('button[data-action="chat#toggleCamera"]')
    await expect.poll(() => captions(ben), { timeout: 15_000 }).toEqual(["ann · screen", "you · microphone"])
  })

  it("fits a phone: no sideways scrolling at 390 px, on the form and in a busy room", async () => {
    const phone = await fixture.browser.newContext({ baseURL: fixture.serve.baseUrl, viewport: { width: 390, height: 844 } })
    await phone.grantPermissions(["camera", "microphone"])
    try {
      const form = await phone.newPage()
      await form.goto("/")
      expect(await sidewaysOverflow(form)).toBeLessThanOrEqual(0)
      const long = "a-rather-long-name-without-any-spaces-at-all-0123456789"
      const page = await joinDemo(phone, long, `room=ux-phone-${room}&${HEARTBEAT}`)
      await expectStatuses(page, [`${long}: connected`])
      await page.fill('input[data-chat-target="message"]', "x".repeat(300))
      await page.click('input[data-action="chat#send"]')
      await expect.poll(() => page.locator('[data-chat-target="messages"]').innerText()).toContain("xxxx")
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0)
    } finally {
      await phone.close()
    }
  })

  it("the invite link carries the room, not the sharer's name; opening it joins the same room under one's own name", async () => {
    const ann = await join("ann")
    const invite = await ann.locator('[data-chat-target="invite"]').getAttribute("href")
    expect(invite).toBe(`/?room=ux-${room}`)
    expect(await ann.locator('[data-chat-target="invite"]').innerText()).toBe(`${fixture.serve.baseUrl}/?room=ux-${room}`)
    const ben = await context.newPage()
    await ben.goto(invite!)
    expect(await ben.inputValue('input[name="room"]')).toBe(`ux-${room}`)
    expect(await ben.inputValue('input[name="name"]')).toBe("")
    await ben.fill('input[name="name"]', "ben")
    await ben.click('input[type="submit"]')
    await expectStatuses(ben, ["ann: connected", "ben: connected"])
    await expectStatuses(ann, ["ann: connected", "ben: connected"])
  })

  it("marks the host in the peer list, and says in the chat who joined and who left", async () => {
    const [ann, ben] = [await join("ann"), await join("ben")]
    await expectStatuses(ben, ["ann: connected", "ben: connected"])
    expect(await ben.locator('[data-chat-target="status"] li[data-host]').allInnerTexts()).toEqual(["ann: connected"])
    const cat = await join("cat")
    await expect.poll(() => ann.locator('[data-chat-target="messages"]').innerText()).toContain("cat joined")
    await cat.close()
    await expect.poll(() => ben.locator('[data-chat-target="messages"]').innerText(), { timeout: 5000 }).toContain("cat left")
  })

  it("shows why a session ended, and `closed` does not hide it", async () => {
    const first = await join("twin")
    await expectStatuses(first, ["twin: connected"])
    await join("twin")
    await expect.poll(() => first.locator('[data-chat-target="error"]').innerText()).toMatch(/^peer_replaced: another page joined with this peer id/)
    await expect.poll(() => first.locator('[data-chat-target="state"]').innerText()).toBe("closed")
    expect(await first.locator('[data-chat-target="error"]').innerText()).toMatch(/^peer_replaced/)
  })
})
