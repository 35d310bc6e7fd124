// Bundles the browser entry into one ES module, dist/bundle/p2p.js, which the server serves at
// /p2p/bundle/p2p.js: one request instead of twenty, so pages connect sooner. @hotwired/stimulus
// stays external, so the page's Stimulus and ours are one and the same; it is served minified
// (dist/bundle/stimulus.js, at /p2p/vendor/stimulus.js): half the bytes to parse before a page connects.
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

await build({
  entryPoints: ["node_modules/@hotwired/stimulus/dist/stimulus.js"],
  outfile: "dist/bundle/stimulus.js",
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  logLevel: "warning",
})
