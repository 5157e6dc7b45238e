import { describe, expect, it } from 'vitest'
import { defaultMethodId } from '../../../../main/core/ui/default-method'

const offered = [{ id: 'raw-attention' }, { id: 'mamba-rollout' }, { id: 'lrp-gated-attention' }, { id: 'mamba-lrp' }]

describe('defaultMethodId', () => {
  it("follows the card's evaluated default when the model offers it", () => {
    expect(defaultMethodId({ defaultMethod: 'lrp-gated-attention' }, offered)).toBe('lrp-gated-attention')
  })
  it('falls back to the fixed preference when the card has none or names a method not offered', () => {
    expect(defaultMethodId({}, offered)).toBe('mamba-rollout')
    expect(defaultMethodId({ defaultMethod: 'gradient-x-input' }, offered)).toBe('mamba-rollout')
    expect(defaultMethodId({ defaultMethod: 3 }, offered)).toBe('mamba-rollout')
  })
  it('takes the first offered method when no preference is offered, null when none is', () => {
    expect(defaultMethodId({}, [{ id: 'mamba-lrp' }])).toBe('mamba-lrp')
    expect(defaultMethodId({}, [])).toBeNull()
  })
})
