/**
 * Line charts of the evaluation curves as standalone SVG text (pure): one panel per curve family
 * (§4.1 positive / negative accuracy, deletion / insertion probability), one line per method.
 */

export interface Series {
  readonly label: string
  readonly ys: readonly number[]
}

/** A qualitative palette that stays apart in print (Okabe–Ito plus greys). */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000', '#999999', '#882255', '#44AA99', '#117733', '#AA4499', '#332288']

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** One chart: `xs` shared by every series, y in [0, 1]. */
export function lineChart(title: string, xLabel: string, yLabel: string, xs: readonly number[], series: readonly Series[]): string {
  // The legend column is as wide as its longest label (≈ 6.2 px per character at 11 px), so no label is cut off.
  const right = Math.max(200, 40 + Math.ceil(Math.max(0, ...series.map((s) => s.label.length)) * 6.2))
  const W = 440 + right
  const H = 360
  const left = 56
  const top = 32
  const bottom = 44
  const pw = W - left - right
  const ph = H - top - bottom
  const x0 = xs[0]!
  const x1 = xs[xs.length - 1]!
  const px = (x: number): number => left + ((x - x0) / (x1 - x0)) * pw
  const py = (y: number): number => top + (1 - y) * ph
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${left}" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`,
  ]
  for (let t = 0; t <= 5; t++) {
    const y = t / 5
    parts.push(`<line x1="${left}" x2="${left + pw}" y1="${py(y)}" y2="${py(y)}" stroke="#e0e0e0"/>`,
      `<text x="${left - 6}" y="${py(y) + 4}" text-anchor="end">${y.toFixed(1)}</text>`)
  }
  for (const x of xs) parts.push(`<text x="${px(x)}" y="${top + ph + 16}" text-anchor="middle">${Math.round(x * 100)}</text>`)
  parts.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#666"/>`,
    `<text x="${left + pw / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(14 ${top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`)
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!
    const dash = i >= COLOURS.length ? ' stroke-dasharray="4 3"' : ''
    const pts = s.ys.map((y, k) => `${px(xs[k]!).toFixed(1)},${py(y).toFixed(1)}`).join(' ')
    parts.push(`<polyline points="${pts}" fill="none" stroke="${colour}" stroke-width="1.6"${dash}/>`,
      `<line x1="${left + pw + 12}" x2="${left + pw + 30}" y1="${top + 8 + i * 16}" y2="${top + 8 + i * 16}" stroke="${colour}" stroke-width="2"${dash}/>`,
      `<text x="${left + pw + 34}" y="${top + 12 + i * 16}">${esc(s.label)}</text>`)
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}
