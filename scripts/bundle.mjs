// Bundles the browser entry into one ES module, dist/bundle/p2p.js, which the server serves at
// /p2p/bundle/p2p.js: one request instead of twenty, so pages connect sooner. @hotwired/stimulus
// stays external, so the page's Stimulus and ours are one and the same.
import { build } from "esbuild"

await build({
  entryPoints: ["dist/browser/index.js"],
  outfile: "dist/bundle/p2p.js",
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: true,
  external: ["@hotwired/stimulus"],
  logLevel: "warning",
})
