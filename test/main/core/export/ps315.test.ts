// @vitest-environment node
/** The basic-profile table, the SC dataset built from scratch, and the checks on it (tags vs dcmjs: adapters/export/dicom-sc.test.ts). */
import { describe, expect, it } from 'vitest'
import { isAppError } from '../../../../main/core/errors'
import { buildFigureSpec } from '../../../../main/core/export/figure'
import { phiNeedles } from '../../../../main/core/export/privacy'
import { parseProvenance } from '../../../../main/core/export/provenance'
import { BASIC_PROFILE, checkBasicProfile, scUids, uidFromUuid } from '../../../../main/core/export/ps315'
import { assertScDeidentified, scDataset, SC_SOP_CLASS_UID } from '../../../../main/core/export/sc-spec'
import { FAKE_PHI, picture, request } from './fixture'

const UUID = '0f0e0d0c-0b0a-4908-8706-050403020100'

function dataset(linkageId: string | null = null) {
  const req = request()
  const spec = buildFigureSpec(req, { createdAt: req.createdAt!, linkageId })
  const uids = scUids(UUID)
  return { ds: scDataset({ figure: picture(40, 30), provenance: spec.provenance, provenanceJson: spec.provenanceJson, uids, linkageId }), uids }
}

describe('PS3.15 basic profile table', () => {
  it('covers every identifying attribute the loaders put into a PhiRecord (except the NIfTI description)', () => {
    const keywords = new Set(BASIC_PROFILE.map((e) => e.keyword))
    for (const k of ['PatientName', 'PatientID', 'OtherPatientIDs', 'PatientBirthDate', 'PatientSex', 'PatientAge', 'PatientAddress',
      'AccessionNumber', 'StudyID', 'StudyDate', 'StudyTime', 'SeriesDate', 'AcquisitionDate', 'ContentDate', 'StudyDescription',
      'SeriesDescription', 'InstitutionName', 'InstitutionAddress', 'ReferringPhysicianName', 'PerformingPhysicianName',
      'OperatorsName', 'StationName', 'DeviceSerialNumber', 'StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID']) {
      expect(keywords.has(k), k).toBe(true)
    }
  })
})

describe('UIDs', () => {
  it('2.25 + the UUID as one decimal integer (PS3.5 B.2)', () => {
    expect(uidFromUuid('00000000-0000-0000-0000-000000000001')).toBe('2.25.1')
    expect(uidFromUuid(UUID)).toBe(`2.25.${BigInt('0x0f0e0d0c0b0a49088706050403020100').toString()}`)
    expect(() => uidFromUuid('nope')).toThrow(RangeError)
  })

  it('study, series and instance share the root and fit in 64 characters', () => {
    const u = scUids('ffffffff-ffff-4fff-bfff-ffffffffffff')
    for (const v of [u.study, u.series, u.instance]) {
      expect(v.startsWith(`${u.root}.`)).toBe(true)
      expect(v.length).toBeLessThanOrEqual(64)
      expect(v).toMatch(/^(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/)
    }
  })
})

describe('SC dataset', () => {
  it('is a Secondary Capture with burned-in annotation, empty patient module and the provenance', () => {
    const { ds } = dataset()
    expect(ds.SOPClassUID).toBe(SC_SOP_CLASS_UID)
    expect(ds.BurnedInAnnotation).toBe('YES')
    expect(ds.PatientIdentityRemoved).toBe('YES')
    for (const k of ['PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'StudyDate', 'AccessionNumber', 'StudyID']) expect(ds[k]).toBe('')
    expect([ds.Rows, ds.Columns, ds.SamplesPerPixel, ds.PhotometricInterpretation]).toEqual([30, 40, 3, 'RGB'])
    expect(parseProvenance(ds.ImageComments as string).model.sha256).toBe('a'.repeat(64))
    expect(String(ds.DerivationDescription)).toContain('b'.repeat(64))
  })

  it('passes the basic-profile check and the PHI scan', () => {
    const { ds, uids } = dataset()
    expect(checkBasicProfile(ds as never, { newUids: new Set([uids.study, uids.series, uids.instance]), linkageId: null })).toEqual([])
    expect(() => assertScDeidentified(ds, phiNeedles(FAKE_PHI), { newUids: new Set([uids.study, uids.series, uids.instance]), linkageId: null })).not.toThrow()
  })

  it('catches a patient value, a source UID or an unexpected PatientID', () => {
    const { ds, uids } = dataset()
    const allow = { newUids: new Set([uids.study, uids.series, uids.instance]), linkageId: null }
    expect(checkBasicProfile({ ...ds, InstitutionName: 'X' } as never, allow)).toEqual([{ keyword: 'InstitutionName', reason: 'not-empty' }])
    expect(checkBasicProfile({ ...ds, StudyInstanceUID: '1.2.3' } as never, allow)).toEqual([{ keyword: 'StudyInstanceUID', reason: 'uid-not-new' }])
    expect(checkBasicProfile({ ...ds, PatientID: 'ML-1' } as never, allow)).toEqual([{ keyword: 'PatientID', reason: 'patient-id-not-linkage' }])
    try {
      assertScDeidentified({ ...ds, ContentDescription: 'for Testperson' }, phiNeedles(FAKE_PHI), allow)
      expect.unreachable()
    } catch (e) {
      expect(isAppError(e) && e.code).toBe('export/phi-detected')
    }
  })

  it('a linkage ID is allowed in PatientID only when it is the opted-in one', () => {
    const { ds, uids } = dataset('ML-0123456789ABCDEF')
    expect(ds.PatientID).toBe('ML-0123456789ABCDEF')
    expect(checkBasicProfile(ds as never, { newUids: new Set([uids.study, uids.series, uids.instance]), linkageId: 'ML-0123456789ABCDEF' })).toEqual([])
  })
})
