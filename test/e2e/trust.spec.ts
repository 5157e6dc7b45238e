// Callbacks passed to page.evaluate run in the browser, so this file needs the DOM types.
/// <reference lib="dom" />
/**
 * The domain guard in browser mode with the real engine and the app's DEFAULT model (breast ultrasound): a
 * cat photo (../shared/data pets), a CT DICOM (../shared/data dicom) and a noise image each show the
 * out-of-domain banner, an unreliable verdict and a FAIL trust label; a BUS-BRA test image shows none of
 * them. The exported PNG of the cat carries the banner's flag in its provenance. The research-use line is on
 * screen throughout. Screenshots go to artifacts/e2e (git-ignored). Skipped, with the reason, where the data,
 * the app build or the card's domain statistics are missing.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, describe, expect, it, type TestContext } from 'vitest'
import { PNG_PROVENANCE_KEY } from '../../main/adapters/export'
import { parseProvenance } from '../../main/core/export/provenance'
import { pngItxt } from '../main/adapters/export/readers'
import { exportAndReceive } from './downloads'
import { appForSpec, dropFile, ROOT, shot, skipReason } from './harness'

const DATA = join(ROOT, '..', 'shared', 'data')
const CAT = join(DATA, 'oxford-iiit-pet-subset', 'images', 'Abyssinian_11.jpg')
const CT = join(DATA, 'dicom', 'CT_small.dcm')
const BUS = join(DATA, 'busbra', 'Images', 'bus_0231-l.png')
const MODEL = 'vim-busbra-d12'
const card = JSON.parse(readFileSync(join(ROOT, 'models', `${MODEL}.json`), 'utf8')) as { domain?: { features?: { file: string } }; classifierGraph?: { file: string } }

function reasonHere(): string | null {
  const app = skipReason()
  if (app !== null) return app
  const missing = [CAT, CT, BUS].filter((f) => !existsSync(f))
  if (missing.length > 0) return `missing ${missing.join(', ')}`
  if (card.domain?.features === undefined || card.classifierGraph === undefined) return `the ${MODEL} card has no classifier graph / domain statistics`
  return null
}
const reason = reasonHere()
const needs = (ctx: TestContext): void => ctx.skip(reason !== null, reason ?? '')

/** A models folder with only the default model (links), so the app opens on it. */
function defaultModelDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mamba-e2e-trust-'))
  for (const f of readdirSync(join(ROOT, 'models')).filter((n) => n.startsWith(`${MODEL}.`))) symlinkSync(join(ROOT, 'models', f), join(dir, f))
  return dir
}

const modelsDir = reason === null ? defaultModelDir() : ''
let page: Page

/** The shown run's id; null before the first result (the panel is not there yet: no waiting for it). */
const runId = async (): Promise<string | null> => (await page.$('[data-testid=model-input-panel]'))?.getAttribute('data-run-id') ?? null

async function dropAndWait(bytes: Buffer, name: string, type: string): Promise<void> {
  const previous = await runId()
  await dropFile(page, bytes, name, type)
  await page.waitForFunction((p) => {
    const id = document.querySelector('[data-testid=model-input-panel]')?.getAttribute('data-run-id')
    return id !== undefined && id !== null && id !== '' && id !== p && document.querySelector('[data-testid=progress]') === null
  }, previous, { timeout: 150_000 })
  await page.waitForSelector('[data-testid=trust-label]', { timeout: 60_000 })
}

async function expectOutOfDomain(shotName: string): Promise<void> {
  const banner = page.locator('[data-testid=domain-banner]')
  expect(await banner.isVisible()).toBe(true)
  expect(await banner.textContent()).toMatch(/This image is unlike the breast ultrasound this model was trained on; its output means nothing here\./)
  expect(await page.textContent('[data-testid=verdict]')).toMatch(/unreliable: input outside the model's domain/)
  expect(await page.textContent('[data-testid=trust-label]')).toMatch(/^FAIL/)
  expect(await page.isVisible('[data-testid=research-only]')).toBe(true)
  await shot(page, shotName)
}

describe('domain guard (browser mode, default model, end to end)', () => {
  appForSpec(reason, (p) => { page = p }, { MAMBA_LENS_MODELS_DIR: modelsDir })

  afterAll(async () => {
    if (modelsDir !== '') rmSync(modelsDir, { recursive: true, force: true })
  })

  it('a breast-ultrasound image: no banner, verdict at the card threshold (bus_0231-l is malignant)', async (ctx) => {
    needs(ctx)
    expect(await page.textContent('[data-testid=research-only]')).toBe('Research use only — not a medical device.')
    await dropAndWait(readFileSync(BUS), 'bus_0231-l.png', 'image/png')
    expect(await page.locator('[data-testid=domain-banner]').count()).toBe(0)
    expect(await page.textContent('[data-testid=verdict]')).toMatch(/^Verdict: malignant \(p\(malignant\) = 0\.4\d\d ≥ 0\.402/)
    await page.waitForSelector('[data-testid=trust-deletion]', { timeout: 60_000 })
    await shot(page, '60-trust-busbra-in-domain')
  })

  it('a cat photo shows the banner; its exported figure carries the flag', async (ctx) => {
    needs(ctx)
    await dropAndWait(readFileSync(CAT), 'cat.jpg', 'image/jpeg')
    await expectOutOfDomain('61-trust-cat-out-of-domain')
    await page.click('[data-testid=export-button]')
    await page.waitForSelector('[data-testid=export-dialog]:not([hidden])')
    const png = (await exportAndReceive(page)).bytes
    const prov = parseProvenance(pngItxt(new Uint8Array(png)).get(PNG_PROVENANCE_KEY)!)
    expect(prov.domain?.inDomain).toBe(false)
    expect(prov.verdict?.reliable).toBe(false)
    expect(prov.intendedUse).toBe('Research use only — not a medical device.')
    expect(prov.methods[0]!.trust?.label).toBe('fail')
    await sharp(png).toFile(join(ROOT, 'artifacts', 'e2e', '62-trust-cat-figure.png'))
    await page.click('[data-testid=export-dialog] button:has-text("Close")')
  })

  it('a CT DICOM shows the banner (Modality CT, and its features)', async (ctx) => {
    needs(ctx)
    await dropAndWait(readFileSync(CT), 'ct.dcm', 'application/dicom')
    await expectOutOfDomain('63-trust-ct-out-of-domain')
    expect(await page.textContent('[data-testid=domain-banner]')).toMatch(/modality is CT/)
  })

  it('a noise image shows the banner', async (ctx) => {
    needs(ctx)
    let s = 12345
    const px = Buffer.alloc(256 * 256 * 3).map(() => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24))
    const png = await sharp(px, { raw: { width: 256, height: 256, channels: 3 } }).png().toBuffer()
    await dropAndWait(png, 'noise.png', 'image/png')
    await expectOutOfDomain('64-trust-noise-out-of-domain')
  })
})
