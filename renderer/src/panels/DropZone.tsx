import { useState, type DragEvent, type ReactNode } from 'react'
import { openFile } from '../state/image-actions'

/** Drop a file anywhere on the viewer. Files are read by the page and handed to main as bytes (never a path). */
export function DropZone({ children }: { readonly children: ReactNode }) {
  const [isOver, setOver] = useState(false)
  const hasFiles = (e: DragEvent): boolean => Array.from(e.dataTransfer.types).includes('Files')
  return (
    <div
      className={`dropzone${isOver ? ' over' : ''}`}
      data-testid="dropzone"
      onDragOver={(e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        e.dataTransfer.dropEffect = 'copy'
        setOver(true)
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault()
        setOver(false)
        const file = e.dataTransfer.files[0]
        if (file !== undefined) void openFile(file)
      }}
    >
      {children}
    </div>
  )
}
