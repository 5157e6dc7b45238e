// @vitest-environment node
/**
 * `mamba-lens explain --json` on the default model writes `verdict` and `trust` (docs/TRUST.md) into every
 * result: bus_0231-l's verdict follows the card's operating threshold; a CT DICOM's `trust.domain` is out of
 * domain with the Modality reason; each method carries its own trust label, and with the card's classifier
 * graph the quick deletion check. Reads ../shared/data at run time; skipped, with the reason, when absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../main/cli/index'
import { cleanup, tempDir } from '../adapters/onnx/fixtures/temp'

afterAll(cleanup)

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const BUS = path.resolve(repoRoot, '../shared/data/busbra/Images/bus_0231-l.png')
const CT = path.resolve(repoRoot, '../shared/data/dicom/CT_small.dcm')
const card = JSON.parse(readFileSync(path.join(repoRoot, 'models/vim-busbra-d12.json'), 'utf8')) as { classifierGraph?: unknown }
const missing = [BUS, CT].filter((f) => !existsSync(f)).map((f) => path.relative(repoRoot, f))
const title = (t: string): string => (missing.length > 0 ? `${t} (skipped: missing ${missing.join(', ')})` : t)

// The written JSON, read loosely: the assertions below check its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>
interface Sink { text: string; write(s: string): boolean }
const sink = (): Sink => ({ text: '', write(s: string) { this.text += s; return true } })

describe('CLI JSON: verdict and trust', () => {
  it.skipIf(missing.length > 0)(title('bus_0231-l is malignant at the threshold; a CT DICOM is flagged; each method has its trust record'), async () => {
    const out = path.join(tempDir(), 'out')
    const stdout = sink()
    const stderr = sink()
    const code = await runCli(['--models-dir', path.join(repoRoot, 'models'), 'explain', BUS, CT, '--method', 'mamba-lrp,mamba-attribution', '--out', out, '--json'], { stdout, stderr })
    expect(code).toBe(0)
    const summary = JSON.parse(stdout.text) as { verdict: { label: string }; trust: { domain: { inDomain: boolean | null } } }[]
    expect(summary.map((s) => s.verdict.label)).toEqual(['malignant', expect.any(String)])
    const bus = JSON.parse(readFileSync(path.join(out, 'bus_0231-l.json'), 'utf8')) as Json
    expect(bus['verdict']).toMatchObject({ label: 'malignant', threshold: 0.401963568516721, positiveClass: 1 })
    expect(bus['verdict'].probability).toBeGreaterThanOrEqual(0.401963568516721)
    expect(bus['trust']).toMatchObject({ methodId: 'mamba-lrp', label: expect.stringMatching(/^(pass|warn|fail)$/), reason: expect.any(String) })
    expect(Object.keys(bus['trust'].domain).sort()).toEqual(['inDomain', 'pixels', 'reasons', 'score', 'scoreName', 'secondOpinion', 'threshold'])
    expect(bus['trust'].agreement.spearman).toHaveProperty('mamba-attribution')
    for (const m of bus['methods']) expect(m.trust).toMatchObject({ methodId: m.id, label: expect.any(String), evaluated: expect.any(Object) })
    if (card.classifierGraph !== undefined) expect(bus['trust'].faithfulness.points).toHaveLength(4)
    const ctJson = JSON.parse(readFileSync(path.join(out, readdirSync(out).find((f) => f.startsWith('ml-') && f.endsWith('.json'))!), 'utf8')) as Json
    expect(ctJson['trust'].domain.inDomain).toBe(false)
    expect(ctJson['trust'].domain.reasons.join(' ')).toMatch(/modality is CT/)
    expect(ctJson['verdict'].reliable).toBe(false)
    expect(ctJson['trust'].label).toBe('fail')
    // The terminal says it too (stderr; stdout stays JSON): the verdict of each input, the CT's out-of-domain warning.
    expect(stderr.text).toMatch(/bus_0231-l\.png: verdict malignant \(p\(malignant\) = 0\.4\d\d ≥ threshold 0\.402\)\n/)
    expect(stderr.text).toMatch(/warning CT_small\.dcm: OUT OF DOMAIN — This image is unlike the breast ultrasound .* Why: .*modality is CT/)
  })
})
