/** Where the server writes what it does. Each call is one line. */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent"

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

/** Longest line the console logger writes; the rest is cut and marked. */
const MAX_LINE = 2000

/**
 * Makes text safe for a one-line log: control characters (newlines included) and Unicode line
 * separators become `\uXXXX`, so text from a client can never start a forged line.
 */
export function escapeLogText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
}

/** A logger writing `time level message` lines to stderr, from `level` up. Default level: `info`. */
export function createConsoleLogger(level: LogLevel = "info"): Logger {
  const write = (at: Exclude<LogLevel, "silent">) => (message: string) => {
    if (ORDER[at] < ORDER[level]) return
    const line = escapeLogText(message.length > MAX_LINE ? `${message.slice(0, MAX_LINE)}…(cut)` : message)
    process.stderr.write(`${new Date().toISOString()} ${at.toUpperCase().padEnd(5)} ${line}\n`)
  }
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") }
}

/** A logger that drops everything. */
export const silentLogger: Logger = createConsoleLogger("silent")
