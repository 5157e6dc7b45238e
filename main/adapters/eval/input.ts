/**
 * Image and mask → model input through the app's own path (loadImageFile → modelInputFromScan →
 * prepareModelInput), and the lesion mask through the same geometry (resize plan of the card's policy,
 * nearest neighbour as ALGORITHMS.md §4.2 does for masks), so mask pixels line up with map pixels.
 */
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import sharp from 'sharp'
import { modelInputFromScan } from '../../core/image/model-input'
import { planResize } from '../../core/preprocess/resize-plan'
import { loadImageFile } from '../image-io/registry'
import { prepareModelInput, type InputSpec } from '../preprocess/model-input'

/** Normalised CHW input of one image file. */
export async function loadModelInput(file: string, spec: InputSpec): Promise<Float32Array> {
  const scan = await loadImageFile(readFileSync(file), { name: basename(file) })
  const image = modelInputFromScan(scan, { source: 'display' }).image
  return (await prepareModelInput({ width: image.width, height: image.height, data: image.data }, spec)).tensor
}

/** 0/1 mask of the model input's size (non-zero grey = lesion). */
export async function loadMask(file: string, spec: InputSpec): Promise<Uint8Array> {
  const img = sharp(readFileSync(file), { failOn: 'error' }).greyscale()
  const { width, height } = await img.metadata()
  if (width === undefined || height === undefined) throw new Error('mask without size')
  const plan = planResize(width, height, spec.width, spec.height, spec.resize)
  const px = await img
    .resize(plan.resizeWidth, plan.resizeHeight, { fit: 'fill', kernel: 'nearest' })
    .extract({ left: plan.cropLeft, top: plan.cropTop, width: plan.modelWidth, height: plan.modelHeight })
    .raw({ depth: 'uchar' })
    .toBuffer()
  const out = new Uint8Array(spec.width * spec.height)
  for (let i = 0; i < out.length; i++) out[i] = px[i]! > 127 ? 1 : 0
  return out
}
