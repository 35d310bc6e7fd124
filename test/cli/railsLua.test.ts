import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { LUA_TARGET, luaScripts } from "../../scripts/vendor-rails.mjs"

describe("the Rails gem's Redis store", () => {
  it("runs the very Lua scripts the Node server runs (npm run build refreshes the copy)", async () => {
    const scripts = await luaScripts()
    expect(Object.keys(scripts).sort()).toEqual(["attach.lua", "detach.lua", "get.lua", "join.lua", "leave.lua", "prelude.lua", "renew.lua", "report.lua", "restore.lua", "route.lua"])
    for (const [name, text] of Object.entries(scripts)) {
      expect(readFileSync(join(LUA_TARGET, name), "utf8"), `rails/lib/p2p_streams_channel/lua/${name} is stale: run npm run build`).toBe(text)
    }
  })
})
