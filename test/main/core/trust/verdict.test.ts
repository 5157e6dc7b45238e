import { describe, expect, it } from 'vitest'
import { softmax } from '../../../../main/core/eval/softmax'
import { describeVerdict, verdictOf } from '../../../../main/core/trust/verdict'

const CLASSES = ['benign', 'malignant']
const OP = { positiveClass: 1, threshold: 0.402 }
/** Logits [0, z] with p(malignant) = p: z = ln(p / (1 − p)). */
const withP = (p: number): number[] => [0, Math.log(p / (1 - p))]

describe('verdict at the operating point', () => {
  it('softmax of equal logits is uniform and sums to 1', () => {
    expect(Array.from(softmax([3, 3, 3]))).toEqual([1 / 3, 1 / 3, 1 / 3])
    expect(softmax([1000, 0])[0]).toBe(1)
  })

  it('calls p(malignant) = 0.418 malignant although benign has the larger probability', () => {
    const v = verdictOf(withP(0.418), CLASSES, OP)
    expect(v.label).toBe('malignant')
    expect(v.classIndex).toBe(1)
    expect(v.probability).toBeCloseTo(0.418, 12)
    expect(v.threshold).toBe(0.402)
  })

  it('calls p just below the threshold benign and p exactly at it malignant (≥)', () => {
    expect(verdictOf(withP(0.4019), CLASSES, OP).label).toBe('benign')
    expect(verdictOf([0, Math.log(0.5 / 0.5)], CLASSES, { positiveClass: 1, threshold: 0.5 }).label).toBe('malignant')
  })

  it('uses the top class when the card has no operating point', () => {
    const v = verdictOf([0.2, 1.5, -1], ['a', 'b', 'c'], undefined)
    expect(v).toMatchObject({ label: 'b', classIndex: 1, threshold: null, positiveClass: null })
  })

  it('words the verdict with the threshold and marks an unreliable one', () => {
    const v = verdictOf(withP(0.418), CLASSES, OP, false)
    expect(describeVerdict(v)).toBe("malignant (p(malignant) = 0.418 ≥ threshold 0.402) — UNRELIABLE: input outside the model's domain")
    expect(describeVerdict(verdictOf(withP(0.2), CLASSES, OP))).toBe('benign (p(malignant) = 0.200 < threshold 0.402)')
  })
})
