/** Where the shared sample data lives (read-only, never copied into the repo) and whether it is there. */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..')

/** ../shared/data next to the repository, as the brief lays it out. */
export const SHARED_DATA = path.resolve(repoRoot, '../shared/data')
export const DICOM_DIR = path.join(SHARED_DATA, 'dicom')
export const NIFTI_DIR = path.join(SHARED_DATA, 'nifti')

export const hasDicomSamples = existsSync(DICOM_DIR)
export const hasNiftiSamples = existsSync(NIFTI_DIR)

/** Reason printed by skipped suites, so a green run without data is not mistaken for coverage. */
export const NO_DATA_REASON = `shared sample data not found at ${SHARED_DATA}; sample-file tests skipped`
