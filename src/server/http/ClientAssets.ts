import { readFile } from "node:fs/promises"
import { createRequire } from "node:module"
import type { IncomingMessage, ServerResponse } from "node:http"
import { dirname, join, sep } from "node:path"
import { fileURLToPath } from "node:url"
import { requestPathname } from "./requestTarget.js"

/** Where the server serves the browser modules by default. */
export const CLIENT_ASSETS_PREFIX = "/p2p"

// The package's dist/ folder, whether this file runs from dist/server/http or from src/server/http.
const DIST = fileURLToPath(new URL("../../../dist/", import.meta.url))
const FOLDERS = new Set(["bundle", "browser", "client", "frame", "stimulus", "protocol", "demo"])
const require = createRequire(import.meta.url)
const VENDOR: Record<string, string> = {
  "actioncable.js": join(dirname(require.resolve("@rails/actioncable/package.json")), "app/assets/javascripts/actioncable.esm.js"),
  // Minified by the build (scripts/bundle.mjs).
  "stimulus.js": join(DIST, "bundle/stimulus.js"),
}

/**
 * The importmap that lets a page without a build step `import { P2pController } from "p2p"`.
 * Every name points at one bundled module, so a page loads one file and shares one instance.
 * Render it with {@link importmapTag} before any module script.
 */
export function clientImportmap(prefix = CLIENT_ASSETS_PREFIX): { imports: Record<string, string> } {
  const bundle = `${prefix}/bundle/p2p.js`
  return {
    imports: {
      p2p: bundle,
      "p2p-streams-channel/browser": bundle,
      "p2p-streams-channel/client": bundle,
      "p2p-streams-channel/frame": bundle,
      "p2p-streams-channel/stimulus": bundle,
      "@rails/actioncable": `${prefix}/vendor/actioncable.js`,
      "@hotwired/stimulus": `${prefix}/vendor/stimulus.js`,
    },
  }
}

/**
 * `<script type="importmap">…</script>` for {@link clientImportmap}, then `<link rel="modulepreload">`
 * for the bundle and the Stimulus module it imports, so the browser fetches both at once, early,
 * instead of one after the other once a module script asks.
 */
export function importmapTag(prefix = CLIENT_ASSETS_PREFIX): string {
  const { imports } = clientImportmap(prefix)
  const preload = [imports.p2p, imports["@hotwired/stimulus"]].map((href) => `<link rel="modulepreload" href="${href}">`).join("")
  return `<script type="importmap">${JSON.stringify({ imports }).replace(/</g, "\\u003c")}</script>${preload}`
}

/**
 * Serves the browser modules (and their two dependencies) under `prefix` as ES modules.
 * Returns a handler that answers true when it handled the request; as Express/Connect middleware
 * (`app.use(createClientAssetHandler())`) it calls `next()` for every other request.
 */
export function createClientAssetHandler(prefix = CLIENT_ASSETS_PREFIX) {
  const cache = new Map<string, Buffer>()
  return function handleClientAssets(request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void): boolean {
    const pathname = requestPathname(request.url)
    if ((request.method !== "GET" && request.method !== "HEAD") || !pathname?.startsWith(`${prefix}/`)) {
      next?.()
      return false
    }
    const file = resolveAsset(pathname.slice(prefix.length + 1))
    if (!file) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n")
      return true
    }
    const cached = cache.get(file)
    const send = (body: Buffer) => {
      const type = file.endsWith(".map") ? "application/json" : "text/javascript; charset=utf-8"
      response.writeHead(200, { "content-type": type, "cache-control": "no-cache" }).end(body)
    }
    if (cached) {
      send(cached)
      return true
    }
    readFile(file).then(
      (body) => {
        cache.set(file, body)
        send(body)
      },
      () => response.writeHead(404, { "content-type": "text/plain" }).end("not found\n"),
    )
    return true
  }
}

function resolveAsset(relative: string): string | undefined {
  if (!/^[A-Za-z0-9_./-]+$/.test(relative) || relative.split("/").some((part) => part === ".." || part === "")) return undefined
  if (relative.startsWith("vendor/")) return VENDOR[relative.slice("vendor/".length)]
  const [folder] = relative.split("/")
  if (!folder || !FOLDERS.has(folder) || !/\.js(\.map)?$/.test(relative)) return undefined
  const file = join(DIST, relative)
  return file.startsWith(DIST) && !file.slice(DIST.length).split(sep).includes("..") ? file : undefined
}
