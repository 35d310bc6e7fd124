import { spawnSync } from "node:child_process"

/** True when `taskset` can pin processes to cores here. */
export function canPin() {
  return spawnSync("taskset", ["-c", "0", "true"]).status === 0
}

/**
 * Re-runs this script pinned to `core` (once), so the load generator and the servers it starts on
 * the other core do not share one. Returns true when the caller should exit with the child's status.
 */
export function reexecPinned(core) {
  if (process.env.BENCH_PINNED || !canPin()) return false
  const result = spawnSync("taskset", ["-c", String(core), process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, BENCH_PINNED: String(core) },
  })
  process.exitCode = result.status ?? 1
  return true
}

/** The command prefix that runs a server on `core`, or nothing when pinning is unavailable. */
export function pinPrefix(core) {
  return canPin() ? ["taskset", "-c", String(core)] : []
}
