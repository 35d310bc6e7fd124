// A small SVG of grouped horizontal bars, so docs/benchmarks.md has a picture and needs no tools.
const escape = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;")

/**
 * panels: [{ title, unit, bars: [{ label, value, ours? }] }] → one SVG, a panel below the other.
 */
export function barChart(panels, { width = 760 } = {}) {
  const barHeight = 22
  const labelWidth = 230
  const parts = []
  let y = 10
  for (const panel of panels) {
    parts.push(`<text x="10" y="${y + 14}" font-size="15" font-weight="bold">${escape(panel.title)}</text>`)
    y += 26
    const max = Math.max(...panel.bars.map((bar) => bar.value || 0)) || 1
    for (const bar of panel.bars) {
      const length = ((width - labelWidth - 150) * (bar.value || 0)) / max
      parts.push(`<text x="${labelWidth - 8}" y="${y + 15}" font-size="13" text-anchor="end">${escape(bar.label)}</text>`)
      parts.push(`<rect x="${labelWidth}" y="${y + 2}" width="${length.toFixed(1)}" height="${barHeight - 6}" rx="3" fill="${bar.ours ? "#3656d6" : "#a3acc2"}"/>`)
      parts.push(`<text x="${(labelWidth + length + 6).toFixed(1)}" y="${y + 15}" font-size="12">${escape(bar.text ?? `${Math.round(bar.value).toLocaleString("en-US")} ${panel.unit}`)}</text>`)
      y += barHeight
    }
    y += 16
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="system-ui, sans-serif" fill="#1d2330">
<rect width="100%" height="100%" fill="#ffffff"/>
${parts.join("\n")}
</svg>
`
}
