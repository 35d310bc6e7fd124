import { createHash } from "node:crypto"
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
 * The full module (`p2p`, `…/browser`, `…/stimulus`) and the one without Stimulus (`…/frame`,
 * `…/client`) share one chunk, so a page shares one instance of every class whichever names it
 * imports. Render it with {@link importmapTag} before any module script.
 */
export function clientImportmap(prefix = CLIENT_ASSETS_PREFIX): { imports: Record<string, string> } {
  const bundle = `${prefix}/bundle/p2p.js`
  const frame = `${prefix}/bundle/frame.js`
  return {
    imports: {
      p2p: bundle,
      "p2p-streams-channel/browser": bundle,
      "p2p-streams-channel/client": frame,
      "p2p-streams-channel/frame": frame,
      "p2p-streams-channel/stimulus": bundle,
      "@rails/actioncable": `${prefix}/vendor/actioncable.js`,
      "@hotwired/stimulus": `${prefix}/vendor/stimulus.js`,
    },
  }
}

export interface ImportmapTagOptions {
  /** Where the client assets are served. Default: `/p2p`. */
  prefix?: string
  /**
   * Whether the page uses the Stimulus controller (`p2p`, `…/stimulus`): its module and Stimulus are
   * preloaded too. A page with only `<p2p-frame>` or a bare `P2pSession` (`…/frame`, `…/client`)
   * passes false and loads no Stimulus. Default: true.
   */
  stimulus?: boolean
}

/**
 * `<script type="importmap">…</script>` for {@link clientImportmap}, then `<link rel="modulepreload">`
 * for the modules the page will load, so the browser fetches them at once, early, instead of one
 * after the other once a module script asks. Takes the options, or (as before) the prefix alone.
 */
export function importmapTag(options: ImportmapTagOptions | string = {}): string {
  const { prefix = CLIENT_ASSETS_PREFIX, stimulus = true } = typeof options === "string" ? { prefix: options } : options
  const { imports } = clientImportmap(prefix)
  const core = `${prefix}/bundle/p2p-core.js`
  const modules = stimulus ? [imports.p2p, core, imports["@hotwired/stimulus"]] : [imports["p2p-streams-channel/frame"], core]
  const preload = modules.map((href) => `<link rel="modulepreload" href="${href}">`).join("")
  return `<script type="importmap">${JSON.stringify({ imports }).replace(/</g, "\\u003c")}</script>${preload}`
}

/**
 * Serves the browser modules (and their two dependencies) under `prefix` as ES modules.
 * Returns a handler that answers true when it handled the request; as Express/Connect middleware
 * (`app.use(createClientAssetHandler())`) it calls `next()` for every other request.
 */
export function createClientAssetHandler(prefix = CLIENT_ASSETS_PREFIX) {
  const cache = new Map<string, Asset>()
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
    const send = ({ body, etag }: Asset) => {
      // Revalidated on every load; unchanged, it costs a 304 and the browser keeps its copy (and
      // the code it compiled from it), so a returning page starts its module sooner.
      if (matchesEtag(request.headers["if-none-match"], etag)) return void response.writeHead(304, { etag, "cache-control": "no-cache" }).end()
      const type = file.endsWith(".map") ? "application/json" : "text/javascript; charset=utf-8"
      response.writeHead(200, { "content-type": type, "cache-control": "no-cache", etag }).end(body)
    }
    if (cached) {
      send(cached)
      return true
    }
    readFile(file).then(
      (body) => {
        const asset = { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` }
        cache.set(file, asset)
        send(asset)
      },
      () => response.writeHead(404, { "content-type": "text/plain" }).end("not found\n"),
    )
    return true
  }
}

interface Asset {
  body: Buffer
  etag: string
}

/** `If-None-Match`: `*`, or a list of (possibly weak) tags, one of which is this one. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header || header.length > 4096) return false
  return header.split(",").some((tag) => {
    const trimmed = tag.trim()
    return trimmed === "*" || trimmed === etag || trimmed === `W/${etag}`
  })
}

function resolveAsset(relative: string): string | undefined {
  if (!/^[A-Za-z0-9_./-]+$/.test(relative) || relative.split("/").some((part) => part === ".." || part === "")) return undefined
  if (relative.startsWith("vendor/")) return VENDOR[relative.slice("vendor/".length)]
  const [folder] = relative.split("/")
  if (!folder || !FOLDERS.has(folder) || !/\.js(\.map)?$/.test(relative)) return undefined
  const file = join(DIST, relative)
  return file.startsWith(DIST) && !file.slice(DIST.length).split(sep).includes("..") ? file : undefined
}
