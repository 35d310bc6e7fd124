import { execFileSync } from "node:child_process"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))
// Inside the repository, so that `p2p-streams-channel/*` resolves to the package's own built types.
const DIR = join(ROOT, "node_modules", ".readme-examples")

/** The README's TypeScript blocks under a heading. */
function tsBlocks(heading: string): string[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8")
  const section = readme.slice(readme.indexOf(heading), readme.indexOf("\n## ", readme.indexOf(heading) + 1))
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!)
}

describe("the README's TypeScript examples type-check as written, against the published types", () => {
  afterAll(() => rmSync(DIR, { recursive: true, force: true }))

  it("the Node peer (P2pSession with ws and node-datachannel)", () => {
    const [example] = tsBlocks("### The core, without a DOM")
    expect(example).toContain('import WebSocket from "ws"')
    mkdirSync(DIR, { recursive: true })
    writeFileSync(join(DIR, "example.ts"), `${example}\nexport {}\n`)
    writeFileSync(join(DIR, "frame.ts"), `import "p2p-streams-channel/frame"
const frame = document.querySelector("p2p-frame")!
frame.addEventListener("p2p:message", (event) => console.log(event.detail.message.type))
frame.addEventListener("p2p:error", (event) => console.log(event.detail.error.code))
frame.addEventListener("p2p:file", async (event) => console.log(event.detail.file.name, (await event.detail.file.blob()).size))
const transfer = frame.sendFile(new Blob(["hi"]), { to: "user_2", metadata: { caption: "hi" } })
transfer.on("progress", ({ bytes, total, rate }) => console.log(bytes, total, rate))
frame.send(new Uint8Array([1, 2, 3]), { reliable: false })
export {}
`)
    writeFileSync(join(DIR, "tsconfig.json"), JSON.stringify({
      compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", lib: ["ES2022", "DOM"], types: ["node"], noEmit: true, skipLibCheck: true },
      files: ["example.ts", "frame.ts"],
    }))
    execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", DIR], { cwd: DIR, stdio: "pipe" })
  }, 60_000)
})
