import type { ChildProcess } from "node:child_process"

/** Signals a child process and resolves with its exit code once it has exited (at once if it has). */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode)
    child.once("exit", (code) => done(code))
    child.kill(signal)
  })
}
