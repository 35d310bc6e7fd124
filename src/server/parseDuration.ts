const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Parses durations like `90s`, `15m`, `1h`, `7d` or plain milliseconds. Returns milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim())
  if (!match) throw new TypeError(`invalid duration "${text}" (use e.g. 500ms, 90s, 15m, 1h, 7d)`)
  return Number(match[1]) * (UNITS[match[2] ?? "ms"] ?? 1)
}
