/**
 * One image + heatmap pane (two side by side when comparing). React builds the Konva tree once per size;
 * every other change is pushed into the nodes by `KonvaSync` from a scene subscription, so hover, pan and
 * zoom never re-render React (STYLE.md §1.8). All panes share the scene's viewport: zoom and pan stay
 * locked between image and overlay, and between the two panes.
 */
import type Konva from 'konva'
import { memo, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react'
import { Image as KImage, Layer, Rect, Shape, Stage, Text } from 'react-konva'
import { screenToImage, screenToPatch } from '@core/ui/coords'
import { clearPin, movePin, pinPatch } from '../state/drill-actions'
import { canStep, wheelStep } from '../state/frame-nav'
import { reportOverlayDrawn } from '../state/metrics'
import { endWindowDrag, hoverPixel, moveWindowDrag, startWindowDrag } from '../state/scan-actions'
import { scene, session } from '../state/session'
import { KonvaSync } from './konva-sync'

const ARROWS: Readonly<Record<string, readonly [number, number]>> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
}

function patchAt(stage: Konva.Stage | null): ReturnType<typeof screenToPatch> {
  const p = stage?.getPointerPosition()
  const frame = scene.activeFrame()
  const grid = scene.get().grid
  if (p == null || frame === null || grid === null) return null
  return screenToPatch(p, scene.get().viewport, frame, grid)
}

/** Image pixel under the pointer (original grid), or null in "what the model saw" (a resampled picture). */
function imagePointAt(stage: Konva.Stage | null): { x: number; y: number } | null {
  const p = stage?.getPointerPosition()
  const s = scene.get()
  if (p == null || s.image === null || s.viewMode === 'model') return null
  const q = screenToImage(p, s.viewport)
  return q.x >= 0 && q.y >= 0 && q.x < s.image.width && q.y < s.image.height ? q : null
}

export const OverlayCanvas = memo(function OverlayCanvas({ paneIndex }: { readonly paneIndex: 0 | 1 }) {
  const boxRef = useRef<HTMLDivElement>(null)
  const [size, setSize] = useState({ width: 0, height: 0 })
  const stageRef = useRef<Konva.Stage>(null)
  const imageLayerRef = useRef<Konva.Layer>(null)
  const imageRef = useRef<Konva.Image>(null)
  const heatLayerRef = useRef<Konva.Layer>(null)
  const heatRef = useRef<Konva.Image>(null)
  const uiLayerRef = useRef<Konva.Layer>(null)
  const gridRef = useRef<Konva.Shape>(null)
  const hoverGridRef = useRef<Konva.Shape>(null)
  const hoverRef = useRef<Konva.Rect>(null)
  const pinRef = useRef<Konva.Rect>(null)
  const pinLabelRef = useRef<Konva.Text>(null)
  const dragFrom = useRef<{ x: number; y: number } | null>(null)

  useEffect(() => {
    const box = boxRef.current
    if (box === null) return
    const ro = new ResizeObserver(([entry]) => {
      if (entry === undefined) return
      const width = Math.floor(entry.contentRect.width)
      const height = Math.floor(entry.contentRect.height)
      setSize((s) => (s.width === width && s.height === height ? s : { width, height }))
      if (paneIndex === 0) scene.setContainerSize(width, height)
    })
    ro.observe(box)
    return () => ro.disconnect()
  }, [paneIndex])

  useEffect(() => {
    const stage = stageRef.current
    const [imageLayer, image, heatLayer, heat, uiLayer] = [imageLayerRef.current, imageRef.current, heatLayerRef.current, heatRef.current, uiLayerRef.current]
    const [grid, hoverGrid, hover, pin, pinLabel] = [gridRef.current, hoverGridRef.current, hoverRef.current, pinRef.current, pinLabelRef.current]
    if (stage === null || imageLayer === null || image === null || heatLayer === null || heat === null) return
    if (uiLayer === null || grid === null || hoverGrid === null || hover === null || pin === null || pinLabel === null) return
    // A stable hook for tests and the bench: the heatmap layer's own canvas.
    heatLayer.getNativeCanvasElement().setAttribute('data-testid', `heatmap-canvas-${paneIndex}`)
    const sync = new KonvaSync({ stage, imageLayer, image, heatLayer, heat, uiLayer, grid, hoverGrid, hover, pin, pinLabel }, paneIndex, reportOverlayDrawn)
    sync.apply(scene)
    return scene.subscribe(() => sync.apply(scene))
  }, [size, paneIndex])

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const arrow = ARROWS[e.key]
    if (arrow !== undefined) {
      e.preventDefault()
      movePin(arrow[0], arrow[1])
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault()
      const s = scene.get()
      if (s.hover !== null) void pinPatch(s.hover)
      else movePin(0, 0)
    } else if (e.key === 'Escape') {
      clearPin()
    } else if (e.key === '+' || e.key === '=') {
      scene.zoom(1)
    } else if (e.key === '-') {
      scene.zoom(-1)
    } else if (e.key === '0') {
      scene.fit()
    }
  }

  // Window/level by right-drag (the left button pans and pins); Konva's stage drags with the left button only.
  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    if (e.button !== 2 || !startWindowDrag()) return
    e.preventDefault()
    e.currentTarget.setPointerCapture(e.pointerId)
    dragFrom.current = { x: e.clientX, y: e.clientY }
  }
  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    const from = dragFrom.current
    if (from !== null) moveWindowDrag(e.clientX - from.x, e.clientY - from.y)
  }
  const onPointerUp = (e: PointerEvent<HTMLDivElement>): void => {
    if (dragFrom.current === null || e.button !== 2) return
    dragFrom.current = null
    endWindowDrag()
  }

  return (
    <div
      ref={boxRef}
      className="overlay-pane"
      data-testid={`overlay-pane-${paneIndex}`}
      tabIndex={0}
      role="application"
      aria-roledescription="heatmap viewer"
      aria-label="Image with heatmap. Arrow keys move the pinned patch, Enter pins, Escape clears, plus and minus zoom, 0 fits. Page Up and Page Down step through frames or slices, Home and End jump to the first or last. Left-drag pans, right-drag changes the window of a scan, the wheel steps or zooms as set in the View controls."
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onContextMenu={(e) => e.preventDefault()}
    >
      {size.width > 0 && size.height > 0 && (
        <Stage
          ref={stageRef}
          width={size.width}
          height={size.height}
          draggable
          // A click that wobbles a pixel must still pin a patch, not start a pan.
          dragDistance={4}
          onDragMove={(e) => {
            const st = e.target.getStage()
            if (st !== null && e.target === st) scene.setViewport({ scale: scene.get().viewport.scale, x: st.x(), y: st.y() })
          }}
          onMouseMove={() => {
            scene.setHover(patchAt(stageRef.current))
            hoverPixel(imagePointAt(stageRef.current))
          }}
          onMouseLeave={() => {
            scene.setHover(null)
            hoverPixel(null)
          }}
          onClick={(e) => {
            if (e.evt.button !== 0) return
            const cell = patchAt(stageRef.current)
            if (cell !== null) void pinPatch(cell)
          }}
          onWheel={(e) => {
            e.evt.preventDefault()
            // The binding is the user's (View controls); Ctrl/Cmd + wheel always does the other one.
            const isStep = (session.get().wheelAction === 'step') !== (e.evt.ctrlKey || e.evt.metaKey)
            if (isStep && canStep()) return wheelStep(e.evt.deltaY)
            if (e.evt.deltaY === 0) return
            const p = stageRef.current?.getPointerPosition()
            scene.zoom(e.evt.deltaY < 0 ? 1 : -1, p ?? undefined)
          }}
        >
          <Layer ref={imageLayerRef} listening={false}>
            <KImage ref={imageRef} image={undefined} />
          </Layer>
          <Layer ref={heatLayerRef} listening={false}>
            <KImage ref={heatRef} image={undefined} visible={false} />
          </Layer>
          <Layer ref={uiLayerRef} listening={false}>
            {/* Drawn by KonvaPainter from the panel scene (grid, pin, label) and by KonvaSync (hover): no props here. */}
            <Shape ref={gridRef} visible={false} />
            <Shape ref={hoverGridRef} visible={false} />
            <Rect ref={hoverRef} stroke="#ffffff" visible={false} />
            <Rect ref={pinRef} visible={false} />
            <Text ref={pinLabelRef} visible={false} />
          </Layer>
        </Stage>
      )}
    </div>
  )
})
