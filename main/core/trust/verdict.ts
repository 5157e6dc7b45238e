/**
 * The model's decision at the card's operating point. The default model was tuned for p(malignant) ≥ 0.402
 * (Youden's J on the validation split); taking the larger probability (0.5) instead would call some
 * biopsy-proven malignant cases benign (issue 13: bus_0231-l).
 */
import { softmax } from '../eval/softmax'
import type { Verdict } from './types'

/** The card's `operatingPoint`: predicted positive when p(positiveClass) ≥ threshold. */
export interface OperatingPoint {
  readonly positiveClass: number
  readonly threshold: number
}

/**
 * Two classes with an operating point: positive when p ≥ threshold, else the other class. Otherwise the top
 * class (its probability, threshold null).
 */
export function verdictOf(logits: ArrayLike<number>, classes: readonly string[], op: OperatingPoint | undefined, reliable = true): Verdict {
  const p = softmax(logits)
  if (op !== undefined && classes.length === 2 && (op.positiveClass === 0 || op.positiveClass === 1)) {
    const probability = p[op.positiveClass]!
    const classIndex = probability >= op.threshold ? op.positiveClass : 1 - op.positiveClass
    return {
      label: classes[classIndex]!, classIndex, probability, threshold: op.threshold, positiveClass: op.positiveClass, positiveLabel: classes[op.positiveClass]!, reliable,
    }
  }
  let top = 0
  for (let i = 1; i < p.length; i++) if (p[i]! > p[top]!) top = i
  return { label: classes[top] ?? `class ${top}`, classIndex: top, probability: p[top]!, threshold: null, positiveClass: null, positiveLabel: null, reliable }
}

/** One line for figure headers and the screen, e.g. "malignant (p(malignant) = 0.418 ≥ threshold 0.402)". */
export function describeVerdict(v: Verdict): string {
  const unreliable = v.reliable ? '' : ' — UNRELIABLE: input outside the model\'s domain'
  if (v.threshold === null || v.positiveLabel === null) return `${v.label} (p = ${v.probability.toFixed(3)})${unreliable}`
  const cmp = v.probability >= v.threshold ? '≥' : '<'
  return `${v.label} (p(${v.positiveLabel}) = ${v.probability.toFixed(3)} ${cmp} threshold ${v.threshold.toFixed(3)})${unreliable}`
}
