// Bundles the browser entries for the server's /p2p/bundle/: p2p.js (everything, the importmap name
// "p2p") and frame.js (the frame and the session without Stimulus, for pages that use no
// Stimulus), which share one chunk, p2p-core.js — a page loads two files instead of twenty, and one
// instance of each class whichever it imports. @hotwired/stimulus stays external, so the page's
// Stimulus and ours are one and the same; it is served minified (dist/bundle/stimulus.js, at
// /p2p/vendor/stimulus.js): half the bytes to parse before a page connects. The Rails gem vendors
// p2p.js as one file (dist/bundle/rails/p2p.js), which asset pipelines serve as it is.
import { build } from "esbuild"

const common = { bundle: true, format: "esm", platform: "browser", target: "es2022", minify: true, sourcemap: true, external: ["@hotwired/stimulus"], logLevel: "warning" }

await build({
  ...common,
  entryPoints: { p2p: "dist/browser/index.js", frame: "dist/browser/frame.js" },
  outdir: "dist/bundle",
  splitting: true,
  chunkNames: "p2p-core",
})

await build({ ...common, entryPoints: ["dist/browser/index.js"], outfile: "dist/bundle/rails/p2p.js" })

await build({
  entryPoints: ["node_modules/@hotwired/stimulus/dist/stimulus.js"],
  outfile: "dist/bundle/stimulus.js",
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  logLevel: "warning",
})
