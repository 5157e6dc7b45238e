// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { AppError, isAppError, messages, toAppError, type ErrorCode } from '../../../main/core/errors'

describe('errors (STYLE §2.5)', () => {
  it('every code has a user-facing sentence without paths or stack traces', () => {
    for (const [code, text] of Object.entries(messages)) {
      expect(code).toMatch(/^(internal|[a-z]+\/[a-z0-9-]+)$/)
      expect(text.length).toBeGreaterThan(10)
      expect(text).toMatch(/\.$/)
      expect(text).not.toMatch(/[\\/]\w+[\\/]|\bat \w+ \(/)
    }
  })

  it('AppError carries code, message from the table, detail and cause', () => {
    const cause = new Error('low level')
    const e = new AppError('explain/missing-tap', { detail: { tap: 'lrp' }, cause })
    expect(e.code).toBe('explain/missing-tap')
    expect(e.message).toBe(messages['explain/missing-tap'])
    expect(e.detail).toEqual({ tap: 'lrp' })
    expect(e.cause).toBe(cause)
    expect(isAppError(e)).toBe(true)
    expect(isAppError(new Error('x'))).toBe(false)
  })

  it('toAppError wraps unknown failures as internal', () => {
    const wrapped = toAppError('boom')
    expect(wrapped.code).toBe<ErrorCode>('internal')
    expect(wrapped.cause).toBe('boom')
    const e = new AppError('run/cancelled')
    expect(toAppError(e)).toBe(e)
  })
})
