import type { Browser, BrowserContext } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { frameView, joinDemo, launchChromium, newContext } from "../helpers/browser.js"
import { startServe, type ServeProcess } from "../helpers/cli.js"
import { everyoneSees, expectStatuses, healthz, say } from "../helpers/demoRoom.js"
import { startLoadBalancer } from "../helpers/loadBalancer.js"
import { startRedis, type RedisProcess } from "../helpers/redisServer.js"

const SECRET = "cluster-secret-0123456789"
const QUERY = "room=cluster&interval_mls=250&idle_timeout_mls=1000"

describe("several signaling nodes on Redis, in real Chromium", () => {
  let redis: RedisProcess
  let nodeA: ServeProcess
  let nodeB: ServeProcess
  let balancer: Awaited<ReturnType<typeof startLoadBalancer>>
  let browser: Browser
  let viaBalancer: BrowserContext
  let viaB: BrowserContext

  beforeAll(async () => {
    redis = await startRedis()
    nodeA = await startServe(["--demo", "--redis", redis.url], { P2P_STREAMS_CHANNEL_SECRET: SECRET })
    nodeB = await startServe(["--demo", "--redis", redis.url], { P2P_STREAMS_CHANNEL_SECRET: SECRET })
    balancer = await startLoadBalancer([Number(new URL(nodeA.baseUrl).port), Number(new URL(nodeB.baseUrl).port)])
    browser = await launchChromium()
    viaBalancer = await newContext(browser, `http://127.0.0.1:${balancer.port}`)
    viaB = await newContext(browser, nodeB.baseUrl)
  })
  afterAll(async () => {
    await browser?.close()
    await balancer?.close()
    await nodeA?.stop("SIGKILL")
    await nodeB?.stop()
    await redis?.stop()
  })

  it("host on node A, clients on node B; node A dies, then Redis restarts; the session carries on and grows", async () => {
    expect(nodeA.output()).toMatch(/backend redis 127\.0\.0\.1:\d+/)
    const host = await joinDemo(viaBalancer, "host", QUERY) // the balancer sends it to node A
    const alice = await joinDemo(viaB, "alice", QUERY)
    const bob = await joinDemo(viaB, "bob", QUERY)
    const three = ["alice: connected", "bob: connected", "host: connected"]
    for (const page of [host, alice, bob]) await expectStatuses(page, three)
    expect((await healthz(nodeA)).subscriptions).toBe(1)
    await say(bob, "across nodes")
    await everyoneSees([host, alice, bob], "bob: across nodes")

    await nodeA.stop("SIGKILL")
    // The host's signaling comes back through the balancer, on node B; its peer links never noticed.
    await expect.poll(async () => (await healthz(nodeB)).subscriptions, { timeout: 15_000 }).toBe(1)
    await say(alice, "node A is gone")
    await everyoneSees([host, alice, bob], "alice: node A is gone")
    const carol = await joinDemo(viaB, "carol", QUERY)
    const four = [...three, "carol: connected"]
    for (const page of [host, alice, bob, carol]) await expectStatuses(page, four)

    await redis.stop({ crash: true })
    await redis.restart()
    // The empty Redis learns the session back from the host's lease renewal.
    await expect.poll(async () => redis.client().hget("p2p:sess:cluster", "host"), { timeout: 15_000 }).toBe("host")
    const dave = await joinDemo(viaB, "dave", QUERY)
    for (const page of [host, alice, bob, carol, dave]) await expectStatuses(page, [...four, "dave: connected"], 15_000)
    await say(dave, "after the Redis restart")
    await everyoneSees([host, alice, bob, carol, dave], "dave: after the Redis restart")
    expect((await Promise.all([alice, bob, carol, dave].map(frameView))).map((view) => view.hostPeerId)).toEqual(["host", "host", "host", "host"])
  })
})
