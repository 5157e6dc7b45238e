// @vitest-environment node
/** The SC writer: its basic-profile table agrees with dcmjs's dictionary; DCMTK accepts what it writes. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dcmjs } from '../../../../main/adapters/export/dcmjs-port'
import { encodeSecondaryCapture } from '../../../../main/adapters/export/dicom-sc'
import { isAppError } from '../../../../main/core/errors'
import { buildFigureSpec } from '../../../../main/core/export/figure'
import { phiNeedles } from '../../../../main/core/export/privacy'
import { BASIC_PROFILE } from '../../../../main/core/export/ps315'
import { FAKE_PHI, MODEL, picture, request } from '../../core/export/fixture'
import { dcmdumpValues, dcmtkPixelData, hasTool, run, scratch } from './readers'

const tmp = scratch('sc')
afterAll(() => tmp.cleanup())
const UUID = '123e4567-e89b-42d3-a456-426614174000'

describe('PS3.15 table vs dcmjs', () => {
  it('every keyword has the tag dcmjs’s data dictionary gives it (retired ones under RETIRED_)', () => {
    const d = dcmjs()
    const wrong = BASIC_PROFILE.filter((e) => {
      const tag = d.tagOf(e.keyword) ?? d.tagOf(`RETIRED_${e.keyword}`)
      return tag === undefined || tag.replace(/[(),]/g, '').toUpperCase() !== e.tag
    })
    expect(wrong.map((e) => `${e.keyword} ${e.tag}`)).toEqual([])
  })
})

describe.skipIf(!hasTool('dcmdump') || !hasTool('dcmftest'))(`SC encoder read back by DCMTK${hasTool('dcmdump') ? '' : ' — DCMTK not installed; skipped'}`, () => {
  const spec = (() => {
    const req = request()
    return buildFigureSpec(req, { createdAt: req.createdAt!, linkageId: null })
  })()

  it('writes a valid Part 10 file; odd pixel byte counts are padded; pixels round-trip', () => {
    const fig = picture(3, 3)
    const sc = encodeSecondaryCapture(spec, fig, UUID, null, phiNeedles(FAKE_PHI))
    const file = join(tmp.dir, 'odd.dcm')
    writeFileSync(file, sc.bytes)
    expect(run('dcmftest', [file])).toMatch(/yes/)
    const { map } = dcmdumpValues(file)
    expect([map.get('0028,0010'), map.get('0028,0011'), map.get('0002,0010')]).toEqual(['3', '3', '1.2.840.10008.1.2.1'])
    expect(map.get('0002,0003')).toBe(sc.uids.instance)
    expect(map.get('0008,0005')).toBe('ISO_IR 192')
    const raw = dcmtkPixelData(file, tmp.dir)
    expect(raw.length).toBe(28)
    expect(Buffer.from(raw.subarray(0, 27)).equals(Buffer.from(fig.data))).toBe(true)
  })

  it('refuses to encode when a patient value would reach an attribute (here via the model name)', () => {
    const req = request(300, 240, { model: { ...MODEL, name: 'Testperson model' } })
    const leaky = buildFigureSpec(req, { createdAt: req.createdAt!, linkageId: null })
    try {
      encodeSecondaryCapture(leaky, picture(4, 4), UUID, null, phiNeedles(FAKE_PHI))
      expect.unreachable()
    } catch (e) {
      expect(isAppError(e) && e.code).toBe('export/phi-detected')
    }
  })
})
