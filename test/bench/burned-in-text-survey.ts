/**
 * Survey of the burned-in text finder on the shared data (docs/EXPORT.md quotes it): US/SC/OT DICOM samples,
 * the first 40 BUS-BRA images and the first 40 Oxford pet photos; prints lines found per file and the totals.
 * Run: `npx tsx test/bench/burned-in-text-survey.ts`. Reads ../shared/data at run time; says so when absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadImageFile } from '../../main/adapters/image-io/registry'
import { findBurnedInText } from '../../main/core/image/burned-in-text'
import { renderDisplay } from '../../main/core/image/display'

const DATA = join(import.meta.dirname, '../../../shared/data')
const groups: Record<string, string[]> = {
  dicom: ['US1_UNCR.dcm', 'OBXXXX1A.dcm', 'examples_palette.dcm', 'examples_ybr_color.dcm', 'SC_rgb.dcm', 'OT-PAL-8-face.dcm'].map((f) => join(DATA, 'dicom', f)),
  busbra: existsSync(join(DATA, 'busbra/Images')) ? readdirSync(join(DATA, 'busbra/Images')).sort().slice(0, 40).map((f) => join(DATA, 'busbra/Images', f)) : [],
  pets: existsSync(join(DATA, 'oxford-iiit-pet-subset/images')) ? readdirSync(join(DATA, 'oxford-iiit-pet-subset/images')).sort().slice(0, 40).map((f) => join(DATA, 'oxford-iiit-pet-subset/images', f)) : [],
}
if (!existsSync(DATA)) {
  console.log(`skipped: no shared data at ${DATA}`)
} else {
  for (const [group, files] of Object.entries(groups)) {
    let flagged = 0
    let read = 0
    for (const f of files) {
      try {
        const scan = await loadImageFile(new Uint8Array(readFileSync(f)), { name: f })
        const lines = findBurnedInText(renderDisplay(scan, { presetId: scan.defaultPresetId })).length
        read++
        if (lines > 0) flagged++
        if (group === 'dicom') console.log(`${f.split('/').pop()}: ${lines} line(s)`)
      } catch (e) {
        console.log(`${f.split('/').pop()}: not read (${(e as Error).message.slice(0, 60)})`)
      }
    }
    console.log(`${group}: ${flagged} of ${read} files with text lines`)
  }
}
