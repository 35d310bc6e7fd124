/** Percentile of a list of numbers (nearest rank). */
export function percentile(values, p) {
  if (values.length === 0) return NaN
  const sorted = Float64Array.from(values).sort()
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]
}

export function median(values) {
  return percentile(values, 50)
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Formats a number for a table: thousands separated, `digits` decimals. */
export function fmt(value, digits = 0) {
  if (value === undefined || value === null || Number.isNaN(value)) return "—"
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** "1.23×" */
export function ratio(ours, reference) {
  if (!ours || !reference || Number.isNaN(ours) || Number.isNaN(reference)) return "—"
  return `${(ours / reference).toFixed(2)}×`
}
