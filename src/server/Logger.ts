/** Where the server writes what it does. Each call is one line. */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent"

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

/** A logger writing `time level message` lines to stderr, from `level` up. Default level: `info`. */
export function createConsoleLogger(level: LogLevel = "info"): Logger {
  const write = (at: Exclude<LogLevel, "silent">) => (message: string) => {
    if (ORDER[at] < ORDER[level]) return
    process.stderr.write(`${new Date().toISOString()} ${at.toUpperCase().padEnd(5)} ${message}\n`)
  }
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") }
}

/** A logger that drops everything. */
export const silentLogger: Logger = createConsoleLogger("silent")
