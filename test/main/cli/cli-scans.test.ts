// @vitest-environment node
/**
 * `mamba-lens explain` with scans (DICOM, NIfTI through loadImageFile; the model input recorded in the JSON)
 * and `--format` figure export through exportFigure, with the documented exit codes of its refusals.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PNG_PROVENANCE_KEY } from '../../../main/adapters/export'
import { runCli } from '../../../main/cli/index'
import { parseProvenance } from '../../../main/core/export/provenance'
import { signedCtRescale } from '../../fixtures/dicom-gen/cases'
import { FAKE_PATIENT, SOP, makeDicom, phantom } from '../../fixtures/dicom-gen/make-dicom'
import { makeNifti } from '../../fixtures/nifti-gen/make-nifti'
import { pngItxt } from '../adapters/export/readers'
import { cleanup, tempDir } from '../adapters/onnx/fixtures/temp'
import { writeSyntheticModel } from '../adapters/onnx/fixtures/synthetic-model'

afterAll(cleanup)

class Sink {
  text = ''
  write(s: string): boolean {
    this.text += s
    return true
  }
}

const modelsDir = tempDir()
const work = tempDir()
const paths = { ct: '', burned: '', nifti: '', png: '' }
let ctSha = ''

beforeAll(async () => {
  writeSyntheticModel(modelsDir, { id: 'syn', isDefault: true })
  const ct = signedCtRescale().bytes
  ctSha = createHash('sha256').update(ct).digest('hex').slice(0, 12)
  paths.ct = join(work, 'Testperson Alice.dcm')
  writeFileSync(paths.ct, ct)
  paths.burned = join(work, 'us.dcm')
  writeFileSync(paths.burned, makeDicom({
    sopClassUid: SOP.sc, rows: 24, columns: 24, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0, photometric: 'MONOCHROME2',
    pixels: Uint8Array.from(phantom(24, 24, 0, 255)), attributes: { Modality: 'US', BurnedInAnnotation: 'YES' },
  }))
  paths.nifti = join(work, 'vol.nii')
  writeFileSync(paths.nifti, makeNifti([12, 10, 7]))
  paths.png = join(work, 'photo.png')
  await sharp(new Uint8Array(40 * 30 * 3).map((_, i) => (i * 5) % 256), { raw: { width: 40, height: 30, channels: 3 } }).png().toFile(paths.png)
})

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Sink()
  const stderr = new Sink()
  const code = await runCli(['--models-dir', modelsDir, ...args], { stdout, stderr })
  return { code, out: stdout.text, err: stderr.text }
}

const jsonOf = (dir: string, stem: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, `${stem}.json`), 'utf8')) as Record<string, unknown>

describe('mamba-lens explain: scans', () => {
  it('explains a signed CT DICOM through its displayed window, records the mapping, and names outputs by hash', async () => {
    const out = join(tempDir(), 'out')
    const r = await cli(['explain', paths.ct, '--method', 'raw-attention', '--out', out])
    expect(r.code).toBe(0)
    expect(readdirSync(out).sort()).toEqual([`ml-${ctSha}.json`, `ml-${ctSha}.raw-attention.png`])
    const json = jsonOf(out, `ml-${ctSha}`)
    expect(json.source).toMatchObject({
      kind: 'dicom', modality: 'CT', format: 'dicom', width: 34, height: 30,
      inputMapping: { source: 'display', voi: 'window', windowCenter: 40, windowWidth: 400, bits: 8, channels: 3, grayReplicated: true },
    })
    const text = JSON.stringify(json)
    for (const v of [...Object.values(FAKE_PATIENT), 'Testperson Alice']) expect(text).not.toContain(v)
  })

  it('--model-input, --preset and --window change (and record) what the model is given', async () => {
    const out = join(tempDir(), 'out')
    const mapping = async (...flags: string[]): Promise<Record<string, unknown>> => {
      expect((await cli(['explain', paths.ct, '--method', 'raw-attention', '--out', out, ...flags])).code).toBe(0)
      return (jsonOf(out, `ml-${ctSha}`).source as { inputMapping: Record<string, unknown> }).inputMapping
    }
    const full = await mapping('--model-input', 'full-range')
    expect(full).toMatchObject({ source: 'full-range', voi: 'window' })
    expect(full.windowWidth).toBeGreaterThan(3000)
    expect(await mapping('--preset', 'ct-lung')).toMatchObject({ source: 'display', presetId: 'ct-lung', windowCenter: -600, windowWidth: 1500 })
    expect(await mapping('--window', '100,250')).toMatchObject({ windowCenter: 100, windowWidth: 250 })
    expect((await cli(['explain', paths.ct, '--window', '100,0', '--out', out])).code).toBe(2)
  })

  it('explains a NIfTI volume (middle slice of axis k) and records the slice', async () => {
    const out = join(tempDir(), 'out')
    const r = await cli(['explain', paths.nifti, '--method', 'uia', '--out', out, '--json'])
    expect(r.code).toBe(0)
    const stem = readdirSync(out).find((f) => f.endsWith('.json'))!.slice(0, -5)
    expect(jsonOf(out, stem).source).toMatchObject({ kind: 'nifti', width: 12, height: 10, inputMapping: { sliceAxis: 2, sliceIndex: 3, pixelSpacingColumnMm: 0.5 } })
  })
})

describe('mamba-lens explain --format', () => {
  it('writes one figure per method in every format, with provenance, instead of the plain overlays', async () => {
    const out = join(tempDir(), 'out')
    const r = await cli(['explain', paths.ct, '--method', 'raw-attention,uia', '--format', 'png,svg,pdf,dicom', '--scale', '1', '--sidecar', '--out', out, '--json'])
    expect(r.code).toBe(0)
    const names = readdirSync(out).sort()
    // Method and explained class are in every figure's name: ml-<sha>-<method>-class<index>[-<label>].<ext>
    const figure = (m: string, ext: string): string => {
      const pattern = new RegExp(`^ml-${ctSha}-${m}-class\\d+(-[A-Za-z0-9_-]+)?${ext.replaceAll('.', '\\.')}$`)
      const f = names.find((n) => pattern.test(n))
      if (f === undefined) throw new Error(`no ${m}${ext} figure in ${names.join(', ')}`)
      return f
    }
    const expected = ['raw-attention', 'uia'].flatMap((m) => ['.png', '.svg', '.pdf', '.dcm', '.provenance.json'].map((e) => figure(m, e)))
    expect(names).toEqual([...expected, `ml-${ctSha}.json`].sort())
    const prov = parseProvenance(pngItxt(new Uint8Array(readFileSync(join(out, figure('uia', '.png'))))).get(PNG_PROVENANCE_KEY) ?? '')
    expect(prov.methods.map((m) => m.id)).toEqual(['uia'])
    expect(prov.input).toMatchObject({ kind: 'dicom', mapping: { source: 'display', windowCenter: 40, windowWidth: 400 } })
    const json = jsonOf(out, `ml-${ctSha}`)
    expect((json.methods as { id: string; figures: string[] }[]).map((m) => m.figures.length)).toEqual([5, 5])
    const summary = JSON.parse(r.out) as { files: string[] }[]
    expect(summary[0]?.files).toHaveLength(11)
    expect(readFileSync(join(out, figure('uia', '.svg')), 'utf8')).not.toContain(FAKE_PATIENT.PatientName)
  })

  it('refusals: patient data in the caption and burned-in text exit 3 per input; the batch goes on', async () => {
    const out = join(tempDir(), 'out')
    const phi = await cli(['explain', paths.ct, paths.png, '--method', 'raw-attention', '--format', 'png', '--scale', '1', '--caption', 'Case of Testperson', '--out', out])
    expect(phi.code).toBe(3)
    expect(phi.err).toContain('mamba-lens: error [export/phi-detected]')
    // Nothing of the DICOM was written; the photo (no patient data) was.
    const written = readdirSync(out)
    expect(written).toHaveLength(2)
    expect(written).toContain('photo.json')
    expect(written.some((f) => /^ml-[0-9a-f]{12}-raw-attention-class\d+[\w-]*\.png$/.test(f) && !f.startsWith(`ml-${ctSha}`))).toBe(true)
    const burned = await cli(['explain', paths.burned, '--method', 'raw-attention', '--format', 'png', '--out', join(tempDir(), 'b')])
    expect(burned.code).toBe(3)
    expect(burned.err).toContain('[export/burned-in-annotation]')
    expect((await cli(['explain', paths.burned, '--method', 'raw-attention', '--format', 'png', '--accept-burned-in', '--out', join(tempDir(), 'b')])).code).toBe(0)
  })

  it('invalid export settings exit 2, an unwritable folder exits 1', async () => {
    const noSalt = await cli(['explain', paths.ct, '--method', 'raw-attention', '--format', 'dicom', '--linkage-id', '--out', join(tempDir(), 'l')])
    expect(noSalt.code).toBe(2)
    expect(noSalt.err).toContain('[export/invalid-request]')
    const salted = join(tempDir(), 'l')
    expect((await cli(['explain', paths.ct, '--method', 'raw-attention', '--format', 'dicom', '--linkage-id', '--linkage-salt', 'site-secret-1', '--out', salted])).code).toBe(0)
    const sc = readdirSync(salted).find((n) => n.startsWith(`ml-${ctSha}-raw-attention-class`) && n.endsWith('.dcm'))
    expect(readFileSync(join(salted, sc ?? 'missing.dcm')).includes(Buffer.from('ML-'))).toBe(true)
    const file = join(tempDir(), 'not-a-folder')
    writeFileSync(file, 'x')
    const denied = await cli(['explain', paths.ct, '--method', 'raw-attention', '--format', 'png', '--out', join(file, 'sub')])
    expect(denied.code).toBe(1)
    expect(denied.err).toContain('[export/write-failed]')
    expect((await cli(['explain', paths.ct, '--format', 'gif'])).code).toBe(2)
    expect((await cli(['explain', paths.ct, '--caption', 'x'])).code).toBe(2)
    expect(existsSync(join(file, 'sub'))).toBe(false)
  })

  it('--file-to-source-study: the SC joins the source study (opt-in); a source without a Study Instance UID exits 2', async () => {
    const noStudy = await cli(['explain', paths.ct, '--method', 'raw-attention', '--format', 'dicom', '--file-to-source-study', '--out', join(tempDir(), 'f')])
    expect(noStudy.code).toBe(2)
    expect(noStudy.err).toContain('[export/invalid-request]')
    const study = '1.2.826.0.1.3680043.99.7'
    const withStudy = join(tempDir(), 'study.dcm')
    writeFileSync(withStudy, makeDicom({
      sopClassUid: SOP.ct, rows: 30, columns: 34, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1, photometric: 'MONOCHROME2',
      pixels: Int16Array.from(phantom(30, 34, -1000, 1000)), attributes: { Modality: 'CT', StudyInstanceUID: study, WindowCenter: 40, WindowWidth: 400 },
    }))
    const out = join(tempDir(), 'filed')
    expect((await cli(['explain', withStudy, '--method', 'raw-attention', '--format', 'png,dicom', '--scale', '1', '--file-to-source-study', '--out', out])).code).toBe(0)
    const sc = readFileSync(join(out, readdirSync(out).find((n) => n.endsWith('.dcm'))!))
    expect(sc.includes(Buffer.from(study)) && sc.includes(Buffer.from(FAKE_PATIENT.PatientName))).toBe(true)
    const png = readFileSync(join(out, readdirSync(out).find((n) => n.endsWith('.png'))!))
    expect(png.includes(Buffer.from(FAKE_PATIENT.PatientName)) || png.includes(Buffer.from(study))).toBe(false)
  })
})
