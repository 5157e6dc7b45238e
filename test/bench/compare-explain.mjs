// Compares `mamba-lens explain --json` outputs of the same inputs on two providers (test/bench/gpu-session.sh):
//   node test/bench/compare-explain.mjs DIR   (DIR/<kind>-cuda/*.json next to DIR/<kind>-cpu/*.json)
// Per input: the provider each run reports, the explained class, the top-k logits and every method's map
// (patchRelevance) as max |cuda − cpu| / max |cpu|, and the run timings. No file names or pixels.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.argv[2]
const rel = (a, b) => {
  let num = 0
  let den = 0
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]))
    den = Math.max(den, Math.abs(b[i]))
  }
  return Number((den === 0 ? num : num / den).toExponential(2))
}
const read = (d) => readdirSync(d).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(d, f), 'utf8')))
const kinds = [...new Set(readdirSync(dir).filter((d) => d.endsWith('-cuda')).map((d) => d.slice(0, -5)))]
const out = {}
for (const kind of kinds) {
  const gpu = read(join(dir, `${kind}-cuda`))
  const cpu = read(join(dir, `${kind}-cpu`))
  out[kind] = gpu.map((g, i) => {
    const c = cpu[i]
    const logit = (r) => Object.fromEntries(r.topK.map((s) => [s.index, s.logit]))
    const cl = logit(c)
    const gl = logit(g)
    return {
      model: g.model.id, providers: { gpu: g.provider, cpu: c.provider }, sameClass: g.targetClass === c.targetClass,
      topKLogitsMaxAbsDiff: Math.max(...Object.keys(cl).map((k) => Math.abs((gl[k] ?? Number.NaN) - cl[k]))),
      mapsRelErr: Object.fromEntries(g.methods.map((m) => [m.id, rel(m.patchRelevance, c.methods.find((x) => x.id === m.id).patchRelevance)])),
      timingsMs: { gpu: g.timings, cpu: c.timings },
    }
  })
}
console.log(JSON.stringify(out, null, 1))
