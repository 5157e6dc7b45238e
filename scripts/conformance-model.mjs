// The Vim-T conformance model's graphs (models/vim-tiny-conformance.onnx, 29 MB, its GPU variant and its matrices graph)
// are not committed: they are rebuilt from ../shared/conformance in ≈ 5 s, bit for bit (the committed card
// holds the graph's sha256), so the repository stays small enough to travel. The build runs once; later
// calls find the graphs in place. Used by the Vitest global set-ups, `npm run bench` and CI. The GPU variant
// stores no weights: it reads them from vim-tiny-conformance.onnx (external data into that file's bytes, the
// layout every shipped variant uses, docs/GRAPH_CONTRACT.md "Shared weights"), so the graphs are installed together.
//
//   node scripts/conformance-model.mjs      → builds if needed, exit 1 with the reason when it cannot
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const NAME = 'vim-tiny-conformance'
const CARD = join(ROOT, 'models', `${NAME}.json`)
const GRAPHS = [`${NAME}.onnx`, `${NAME}.matrices.onnx`, `${NAME}.gpu.onnx`]
/** Build folder (git-ignored, one per process so that two test runs never share one): the exporter's output. */
const BUILD_DIR = join(ROOT, '.cache', 'conformance-model', String(process.pid))

/** The official-format checkpoint the graph is exported from; MAMBA_LENS_GOLDEN_DIR as in test/conformance/golden.ts. */
export function checkpointPath(env = process.env) {
  const dir = env.MAMBA_LENS_GOLDEN_DIR ?? resolve(ROOT, '..', 'shared', 'conformance', 'vim-official-seed1234')
  return join(dir, 'vim_tiny_ckpt.pth')
}

/** First Python that imports every module in `modules`, or undefined. */
export function findPython(modules) {
  return ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' }).status === 0)
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex')

/** The sha256 the committed card names for the explainer graph and its GPU variant. */
function expectedHashes() {
  const card = JSON.parse(readFileSync(CARD, 'utf8'))
  return [card.sha256, card.gpuGraph?.sha256]
}

/** Whether every graph is in models/ and the explainer graphs are the ones the committed card names. */
function upToDate() {
  if (!GRAPHS.every((g) => existsSync(join(ROOT, 'models', g)))) return false
  const [explainer, gpu] = expectedHashes()
  return sha256(join(ROOT, 'models', GRAPHS[0])) === explainer && sha256(join(ROOT, 'models', GRAPHS[2])) === gpu
}

/**
 * Makes sure models/vim-tiny-conformance.{onnx,matrices.onnx} exist and match the card.
 * @returns {null | string} null when they do, else why they could not be built (a skip reason).
 */
export function ensureConformanceModel({ log = (m) => console.log(m) } = {}) {
  if (upToDate()) return null
  const ckpt = checkpointPath()
  if (!existsSync(ckpt)) return `conformance model not built: ${ckpt} is absent (../shared/conformance)`
  const py = findPython(['torch', 'onnx'])
  if (py === undefined) return 'conformance model not built: no python3 with torch and onnx (scripts/setup.sh installs them on Debian)'
  log(`conformance model: exporting ${NAME} from ${ckpt} (≈ 10 s)`)
  mkdirSync(BUILD_DIR, { recursive: true })
  const res = spawnSync(py, ['-m', 'vimlens.export', ckpt, '--name', NAME, '--out-dir', BUILD_DIR, '--grad-first-layer', '15', '--gpu-variant'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(ROOT, 'models', 'tools'), PYTHONDONTWRITEBYTECODE: '1' },
  })
  if (res.status !== 0) {
    rmSync(BUILD_DIR, { recursive: true, force: true })
    return `conformance model not built: the exporter failed (${(res.stderr || res.stdout || '').trim().split('\n').pop()})`
  }
  const built = [sha256(join(BUILD_DIR, GRAPHS[0])), sha256(join(BUILD_DIR, GRAPHS[2]))]
  const expected = expectedHashes()
  // A different hash means the exporter changed since the card was committed: the card must be re-exported
  // (its sha256 and node count change with it), so say so instead of installing a graph the registry rejects.
  if (built[0] !== expected[0] || built[1] !== expected[1]) {
    return `conformance model not built: the exporter now gives sha256 ${built.map((h) => h.slice(0, 12)).join(' / ')}, the committed ` +
      `card says ${expected.map((h) => (h ?? 'none').slice(0, 12)).join(' / ')}; commit the new card from ${join(BUILD_DIR, `${NAME}.json`)}`
  }
  for (const g of GRAPHS) {
    // Copy then rename: a test reading models/ never sees half a graph.
    copyFileSync(join(BUILD_DIR, g), join(ROOT, 'models', `${g}.tmp`))
    renameSync(join(ROOT, 'models', `${g}.tmp`), join(ROOT, 'models', g))
  }
  rmSync(BUILD_DIR, { recursive: true, force: true })
  return null
}

/** Vitest global set-up (vitest.config.ts, test/e2e/vitest.config.ts): builds before any test file is collected. */
export function setup() {
  const reason = ensureConformanceModel()
  if (reason !== null) console.warn(`${reason}; the tests that need it are skipped`)
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const reason = ensureConformanceModel()
  if (reason !== null) {
    console.error(reason)
    process.exit(1)
  }
  console.log(`conformance model: ${GRAPHS.map((g) => `models/${g}`).join(', ')} are in place`)
}
