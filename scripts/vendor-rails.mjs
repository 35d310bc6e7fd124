// Copies the browser client this repository builds (dist/bundle/rails/p2p.js: what the Node server
// serves as p2p.js, frame.js and p2p-core.js, as one file) and its two dependencies into the Rails
// gem (rails/vendor/javascript). `npm run build` runs it; test/rails checks that the copy is current.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const require = createRequire(import.meta.url)
const target = join(root, "rails/vendor/javascript")
export const VENDORED = {
  "p2p.js": join(root, "dist/bundle/rails/p2p.js"),
  "p2p.js.map": join(root, "dist/bundle/rails/p2p.js.map"),
  "actioncable.esm.js": join(dirname(require.resolve("@rails/actioncable/package.json")), "app/assets/javascripts/actioncable.esm.js"),
  "stimulus.js": join(root, "dist/bundle/stimulus.js"),
}

/** The Redis store's Lua scripts, one file each, so that both servers run the very same ones. */
export const LUA_TARGET = join(root, "rails/lib/p2p_streams_channel/lua")
export async function luaScripts() {
  const { PRELUDE, ...scripts } = await import(join(root, "dist/server/store/redis/sessionScripts.js"))
  const header = "-- Generated from src/server/store/redis/sessionScripts.ts by npm run build; do not edit.\n"
  // Each script is the prelude, a newline and its body, as in the Node server (the same text, so the same SHA).
  const bodies = Object.entries(scripts).map(([name, text]) => [`${name.toLowerCase()}.lua`, `${header}${text.slice(PRELUDE.length + 1)}`])
  return Object.fromEntries([["prelude.lua", `${header}${PRELUDE}`], ...bodies])
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(target, { recursive: true })
  for (const [name, source] of Object.entries(VENDORED)) copyFileSync(source, join(target, name))
  mkdirSync(LUA_TARGET, { recursive: true })
  for (const [name, text] of Object.entries(await luaScripts())) writeFileSync(join(LUA_TARGET, name), text)
}
