/**
 * One piece of work at a time is "current" (loading an image or running the model). Starting new work
 * supersedes the old; a superseded or cancelled result is dropped when it arrives, so the screen always
 * shows the latest thing the user asked for and never loses the previous result on failure.
 */
import type { ErrorDto, ProgressDto } from '../../../preload/contract'
import { getApi } from '../api'
import { session, type BusyState, type ErrorState } from './session'

/** Progress appears only for work that takes longer than this (issue: "any run longer than 200 ms"). */
export const PROGRESS_DELAY_MS = 200

let seq = 0

function newRequestId(): string {
  seq += 1
  return `r${Date.now().toString(36)}-${seq}`
}

export function beginBusy(kind: BusyState['kind'], label: string): string {
  const previous = session.get().busy
  // New work supersedes a model run in flight: stop it in main too, so it does not hold the worker.
  if (previous?.kind === 'explain') void getApi().cancelExplain({ requestId: previous.requestId })
  const requestId = newRequestId()
  session.set({ busy: { kind, requestId, label, stage: 'starting', fraction: 0, showProgress: false }, notice: null })
  setTimeout(() => {
    const b = session.get().busy
    if (b?.requestId === requestId) session.set({ busy: { ...b, showProgress: true } })
  }, PROGRESS_DELAY_MS)
  return requestId
}

export function isCurrent(requestId: string): boolean {
  return session.get().busy?.requestId === requestId
}

export function endBusy(requestId: string): void {
  if (isCurrent(requestId)) session.set({ busy: null })
}

export function applyProgress(p: ProgressDto): void {
  const b = session.get().busy
  if (b?.requestId !== p.requestId) return
  session.set({ busy: { ...b, stage: p.stage, fraction: Math.max(0, Math.min(1, p.fraction)) } })
}

/**
 * The user moved on (another frame or slice): a model run in flight is cancelled quietly (no "cancelled"
 * notice; the new image will be explained when the steps stop). Loading an image is never superseded here.
 */
export function supersedeRun(): void {
  const b = session.get().busy
  if (b?.kind !== 'explain') return
  session.set({ busy: null })
  void getApi().cancelExplain({ requestId: b.requestId })
}

/** Cancel button and Esc while busy: stops the run in main and keeps whatever was on screen. */
export async function cancelBusy(): Promise<void> {
  const b = session.get().busy
  if (b === null) return
  session.set({ busy: null, notice: `${b.kind === 'image' ? 'Opening the image' : 'The run'} was cancelled. The previous result is still shown.` })
  if (b.kind === 'explain') await getApi().cancelExplain({ requestId: b.requestId })
}

export function showError(context: ErrorState['context'], title: string, error: ErrorDto): void {
  if (error.code === 'run/cancelled') {
    session.set({ notice: 'The run was cancelled. The previous result is still shown.' })
    return
  }
  session.set({ error: { context, title, error } })
  // Errors also reach main's log (warn level only, as STYLE.md §2.6 asks); no file names, only the code.
  void getApi().log({ level: 'warn', message: `${context} failed: ${error.code}` })
}

export function dismissError(): void {
  session.set({ error: null })
}
