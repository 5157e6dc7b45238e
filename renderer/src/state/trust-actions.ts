/**
 * The quick deletion check of the map on screen (docs/TRUST.md): asked from main once per run and method,
 * remembered, and dropped when the user has moved on before it arrived.
 */
import type { FaithfulnessCheckDto } from '../../../preload/trust-contract'
import { getApi } from '../api'
import { session } from './session'

/** Checks already answered, by runId|methodId (small: a dozen numbers each). */
const checks = new Map<string, FaithfulnessCheckDto | null>()
const MAX_CHECKS = 64

export async function refreshFaithfulness(runId: string, methodId: string): Promise<void> {
  const key = `${runId}|${methodId}`
  if (session.get().faithfulness.key === key && session.get().faithfulness.status !== 'error') return
  const known = checks.get(key)
  if (known !== undefined) return session.set({ faithfulness: { key, status: 'ready', check: known } })
  session.set({ faithfulness: { key, status: 'loading', check: null } })
  const r = await getApi().faithfulness({ runId, methodId })
  if (session.get().faithfulness.key !== key) return
  if (!r.ok) return session.set({ faithfulness: { key, status: 'error', check: null } })
  checks.set(key, r.value)
  if (checks.size > MAX_CHECKS) checks.delete(checks.keys().next().value as string)
  session.set({ faithfulness: { key, status: 'ready', check: r.value } })
}
