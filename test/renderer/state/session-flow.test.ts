/**
 * The renderer's state logic end to end against the in-memory fake engine: open → run → switch method
 * (no re-run) → switch class (re-run, cached after) → cancel (choices restored) → corrupt file (error,
 * previous result kept) → drill-down and keyboard moves.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { setApi } from '../../../renderer/src/api'
import { cancelBusy } from '../../../renderer/src/state/busy'
import { clearPin, movePin, pinPatch } from '../../../renderer/src/state/drill-actions'
import { initApp } from '../../../renderer/src/state/app-init'
import { selectClass, selectMethod } from '../../../renderer/src/state/explain-actions'
import { openFile } from '../../../renderer/src/state/image-actions'
import { scene, session } from '../../../renderer/src/state/session'
import { InMemoryFakeEngine } from '../fakes/in-memory-fake-engine'
import { inProcessApi } from '../fakes/in-process-api'
import { until } from '../../helpers/until'

const engine = new InMemoryFakeEngine()
const api = inProcessApi(engine)
const pane0 = () => scene.get().panes[0] ?? null

describe('session flow (fake engine)', () => {
  beforeAll(async () => {
    setApi(api)
    scene.setContainerSize(400, 300)
    await initApp()
  })

  it('starts with the default model and a preferred, class-specific method', () => {
    expect(session.get().model?.id).toBe('fake')
    expect(session.get().methodId).toBe('mamba-attribution')
  })

  it('opening an image runs the model once and shows every method from that run', async () => {
    await openFile(new File([new Uint8Array(8)], 'photo.png'))
    expect(engine.explainCalls).toHaveLength(1)
    expect(session.get().result?.targetClass).toBe(1)
    expect(pane0()?.methodId).toBe('mamba-attribution')
    expect(scene.get().grid).toEqual({ gridRows: 4, gridCols: 4 })
    const before = pane0()?.map.values
    selectMethod('mamba-rollout')
    await until(() => pane0()?.methodId === 'mamba-rollout')
    expect(engine.explainCalls).toHaveLength(1)
    expect(pane0()?.map.values).not.toBe(before)
  })

  it('another class re-runs once; going back is served from the cache', async () => {
    selectClass(2)
    await until(() => session.get().result?.targetClass === 2)
    expect(engine.explainCalls.at(-1)?.targetClass).toBe(2)
    const calls = engine.explainCalls.length
    selectClass(null)
    await until(() => session.get().result?.targetClass === 1)
    expect(engine.explainCalls).toHaveLength(calls)
  })

  it('cancel stops the run in main, keeps the result and puts the class picker back', async () => {
    engine.delayMs = 1000
    const shown = session.get().result?.runId
    selectClass(0)
    await until(() => session.get().busy?.showProgress === true)
    await cancelBusy()
    expect(api.cancelled).toHaveLength(1)
    await until(() => session.get().targetClass === null)
    expect(session.get().result?.runId).toBe(shown)
    expect(session.get().notice).toMatch(/cancelled/)
    engine.delayMs = 0
  })

  it('a corrupt file shows the error in words and keeps the previous image and overlay', async () => {
    const image = session.get().image
    const pane = pane0()
    await openFile(new File([new Uint8Array(8)], 'corrupt.png'))
    expect(session.get().error?.error.code).toBe('image/decode-failed')
    expect(session.get().error?.title).toContain('corrupt.png')
    expect(session.get().image).toBe(image)
    expect(pane0()).toBe(pane)
  })

  it('pinning a patch loads its drill-down; arrows move it; Esc clears', async () => {
    await pinPatch({ row: 1, col: 1, index: 5 })
    expect(session.get().drill.status).toBe('ready')
    expect(session.get().drill.result?.token).toBe(5)
    movePin(1, 0)
    await until(() => session.get().drill.result?.token === 10)
    expect(scene.get().pinned).toEqual({ row: 2, col: 1, index: 9 })
    // Patch 9 sits after the middle CLS token (8), so its token is 10.
    clearPin()
    expect(session.get().drill.status).toBe('idle')
    expect(scene.get().pinned).toBeNull()
  })
})

describe('layer range (fake engine)', () => {
  it('a layer range is passed to the engine and cached under its own key', async () => {
    const { setLayerRange } = await import('../../../renderer/src/state/explain-actions')
    const calls = engine.explainCalls.length
    setLayerRange({ start: 1, end: 2 })
    await until(() => engine.explainCalls.length === calls + 1 && session.get().busy === null)
    expect(engine.explainCalls.at(-1)).toMatchObject({ startLayer: 1, endLayer: 2 })
    setLayerRange(null)
    await until(() => session.get().busy === null)
    expect(engine.explainCalls).toHaveLength(calls + 1)
  })
})
