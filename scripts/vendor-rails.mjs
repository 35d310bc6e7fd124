// Copies the browser client this repository builds (dist/bundle/p2p.js, the file the Node server
// serves) and its two dependencies into the Rails gem (rails/vendor/javascript). `npm run build`
// runs it; test/rails checks that the committed copy is current.
import { copyFileSync, mkdirSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const require = createRequire(import.meta.url)
const target = join(root, "rails/vendor/javascript")
export const VENDORED = {
  "p2p.js": join(root, "dist/bundle/p2p.js"),
  "p2p.js.map": join(root, "dist/bundle/p2p.js.map"),
  "actioncable.esm.js": join(dirname(require.resolve("@rails/actioncable/package.json")), "app/assets/javascripts/actioncable.esm.js"),
  "stimulus.js": join(dirname(require.resolve("@hotwired/stimulus/package.json")), "dist/stimulus.js"),
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(target, { recursive: true })
  for (const [name, source] of Object.entries(VENDORED)) copyFileSync(source, join(target, name))
}
