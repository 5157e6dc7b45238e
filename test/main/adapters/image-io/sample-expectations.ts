/**
 * Expected outcome of every file in ../shared/data/dicom: rendered (kind, size, frames) or a specific error
 * code. Shared by the sample test and the DCMTK cross-check.
 */
import type { ImageIoErrorCode } from '../../../../main/adapters/image-io/errors'

export type SampleExpectation = { render: 'gray' | 'rgb'; width: number; height: number; frames?: number; photometric?: string } | { error: ImageIoErrorCode }

const g = (width: number, height: number, frames = 1, photometric = 'MONOCHROME2'): SampleExpectation => ({ render: 'gray', width, height, frames, photometric })
const c = (width: number, height: number, frames = 1): SampleExpectation => ({ render: 'rgb', width, height, frames })

/** File → expected outcome. Every sample renders today; the `{ error }` form is for samples that must fail. */
export const SAMPLE_EXPECTATIONS: Readonly<Record<string, SampleExpectation>> = {
  '693_J2KR.dcm': g(512, 512), '693_UNCR.dcm': g(512, 512), 'CT_small.dcm': g(128, 128),
  'ExplVR_BigEnd.dcm': c(80, 60), 'HTJ2KLossless_08_RGB.dcm': c(640, 480),
  'JLSL_08_07_0_1F.dcm': g(128, 128), 'JLSL_16_15_1_1F.dcm': g(128, 128), 'JLSL_RGB_ILV0.dcm': c(256, 256),
  'JPEG-LL.dcm': g(256, 1024),
  // 12-bit JPEG Extended (SOF1, precision 12), decoded by IJG 6b; JPEG-lossy.dcm is the same image with an
  // invalid SOS (Se = 0 for a sequential scan), which IJG and DCMTK accept with a warning.
  'JPEG-lossy.dcm': g(256, 1024), 'JPGExtended.dcm': g(256, 1024),
  'JPEG2000.dcm': g(256, 1024), 'JPEGLSNearLossless_08.dcm': g(10, 45), 'JPEGLSNearLossless_16.dcm': g(10, 50),
  'JPGLosslessP14SV1_1s_1f_8b.dcm': g(1024, 768), 'MR-SIEMENS-DICOM-WithOverlays.dcm': g(484, 484),
  'MR2_J2KR.dcm': g(1024, 1024), 'MR2_UNCR.dcm': g(1024, 1024),
  'MR_small.dcm': g(64, 64), 'MR_small_RLE.dcm': g(64, 64), 'MR_small_bigendian.dcm': g(64, 64),
  'MR_small_implicit.dcm': g(64, 64), 'MR_small_jp2klossless.dcm': g(64, 64), 'MR_small_jpeg_ls_lossless.dcm': g(64, 64),
  'OBXXXX1A.dcm': c(800, 600), 'OBXXXX1A_rle_2frame.dcm': c(800, 600, 2), 'OT-PAL-8-face.dcm': c(640, 480),
  'RG1_J2KI.dcm': g(1841, 1955, 1, 'MONOCHROME1'), 'RG3_J2KR.dcm': g(1760, 1760, 1, 'MONOCHROME1'),
  'SC_jpeg_no_color_transform.dcm': c(256, 256), 'SC_rgb.dcm': c(100, 100), 'SC_rgb_2frame.dcm': c(100, 100, 2),
  'SC_rgb_dcmtk_+eb+cr.dcm': c(100, 100), 'SC_rgb_jpeg_dcmtk.dcm': c(100, 100), 'SC_rgb_rle.dcm': c(100, 100),
  'SC_rgb_small_odd.dcm': c(3, 3), 'SC_ybr_full_422_uncompressed.dcm': c(100, 100),
  'US1_J2KR.dcm': c(640, 480), 'US1_UNCR.dcm': c(640, 480), 'eCT_Supplemental.dcm': g(512, 512, 2),
  'emri_small.dcm': g(64, 64, 10), 'emri_small_jpeg_2k_lossless.dcm': g(64, 64, 10), 'emri_small_jpeg_ls_lossless.dcm': g(64, 64, 10),
  'examples_overlay.dcm': g(484, 300), 'examples_palette.dcm': c(800, 350), 'examples_ybr_color.dcm': c(320, 240, 30),
  'image_dfl.dcm': g(512, 512), 'liver_1frame.dcm': g(512, 512), 'mlut_18.dcm': g(512, 512),
  'rtdose.dcm': g(10, 10, 15), 'vlut_04.dcm': g(512, 512),
}

