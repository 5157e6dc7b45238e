// @vitest-environment node
/** The IPC contract agrees with the core error table, the request schemas and its own naming rules. */
import { describe, expect, it } from 'vitest'
import { messages } from '../../main/core/errors'
import { REQUEST_SCHEMAS } from '../../main/app/schemas'
import { API_CHANNELS, ERROR_CODES, EVENT_CHANNELS, INVOKE_CHANNELS } from '../../preload/contract'

describe('contract', () => {
  it('every core error code can reach the page (and nothing else but the IPC layer’s own)', () => {
    const core = Object.keys(messages)
    expect(ERROR_CODES.filter((c) => !c.startsWith('ipc/')).sort()).toEqual([...core].sort())
  })

  it('channels are unique domain:verb names, one per API method, each with a request schema', () => {
    expect(new Set(INVOKE_CHANNELS).size).toBe(Object.keys(API_CHANNELS).length)
    for (const c of [...INVOKE_CHANNELS, ...EVENT_CHANNELS]) expect(c).toMatch(/^[a-z]+:[a-z-]+$/)
    expect(Object.keys(REQUEST_SCHEMAS).sort()).toEqual([...INVOKE_CHANNELS].sort())
  })

  it('schemas reject what the renderer must not send', () => {
    expect(REQUEST_SCHEMAS['image:load'].safeParse({ name: 'a.png', bytes: 'not bytes' }).success).toBe(false)
    expect(REQUEST_SCHEMAS['image:load'].safeParse({ name: 'a.png', bytes: new Uint8Array(1), path: '/etc/passwd' }).success).toBe(false)
    expect(REQUEST_SCHEMAS['explain:run'].safeParse({ requestId: 'q', imageId: 'i', options: { targetClass: 1.5 } }).success).toBe(false)
    expect(REQUEST_SCHEMAS['explain:run'].safeParse({ requestId: 'q', imageId: 'i', options: { targetClass: 3, startLayer: 2 } }).success).toBe(true)
    expect(REQUEST_SCHEMAS['image:render'].safeParse({ imageId: 'i', window: { center: 40, width: 0 } }).success).toBe(false)
    expect(REQUEST_SCHEMAS['log:write'].safeParse({ level: 'info', message: 'x' }).success).toBe(false)
    expect(REQUEST_SCHEMAS['image:render'].safeParse({ imageId: 'i', sliceAxis: 3 }).success).toBe(false)
    expect(REQUEST_SCHEMAS['image:render'].safeParse({ imageId: 'i', sliceAxis: 0, modelInput: 'full-range' }).success).toBe(true)
    expect(REQUEST_SCHEMAS['image:value'].safeParse({ imageId: 'i', x: Number.NaN, y: 0 }).success).toBe(false)
  })

  it('an export request names runs and methods, never a folder or file name', () => {
    const view = { colormap: 'viridis', opacity01: 0.6, threshold01: 0, contour: false, showGrid: false, pinnedPatch: null, mode: 'image' }
    const req = { requestId: 'x', panes: [{ runId: 'r', methodId: 'm' }], view, formats: ['png'], pngScales: [1], sidecar: false, keepLinkageId: false, acceptBurnedInAnnotation: false }
    const schema = REQUEST_SCHEMAS['export:figure']
    expect(schema.safeParse(req).success).toBe(true)
    expect(schema.safeParse({ ...req, outDir: '/tmp' }).success).toBe(false)
    expect(schema.safeParse({ ...req, fileStem: 'x' }).success).toBe(false)
    expect(schema.safeParse({ ...req, formats: ['gif'] }).success).toBe(false)
    expect(schema.safeParse({ ...req, panes: [] }).success).toBe(false)
    expect(schema.safeParse({ ...req, pngScales: [9] }).success).toBe(false)
    expect(schema.safeParse({ ...req, view: { ...view, opacity01: 2 } }).success).toBe(false)
  })
})
