// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { createLogger, noopLogger, type LogRecord } from '../../../main/core/log'

describe('logger (STYLE §2.6)', () => {
  it('children extend the dotted category', () => {
    const records: LogRecord[] = []
    const root = createLogger((r) => records.push(r))
    const log = root.child('explain').child('rollout')
    expect(log.category).toBe('explain.rollout')
    log.warn('clipped', { n: 3 })
    log.debug('shape')
    expect(records).toEqual([
      { level: 'warn', category: 'explain.rollout', message: 'clipped', fields: { n: 3 } },
      { level: 'debug', category: 'explain.rollout', message: 'shape' },
    ])
  })
  it('the default logger drops everything', () => {
    expect(() => noopLogger.child('x').error('e')).not.toThrow()
  })
})
