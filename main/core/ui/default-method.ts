/**
 * Which method the app shows first for a model. The model card's `defaultMethod` wins: `mamba-lens eval`
 * sets it to the method its evaluation ranks best on that model (docs/eval/README.md says why). A card
 * without it (or naming a method this model's graph cannot compute) falls back to a fixed preference,
 * class-specific before class-agnostic.
 */

/** Fallback order for cards that carry no evaluated default. */
export const FALLBACK_METHODS = ['mamba-attribution', 'mamba-rollout', 'raw-attention'] as const

/** The card's evaluated default when offered, else the first offered fallback, else the first offered method. */
export function defaultMethodId(card: Readonly<Record<string, unknown>>, offered: readonly { readonly id: string }[]): string | null {
  const has = (id: unknown): id is string => typeof id === 'string' && offered.some((m) => m.id === id)
  const fromCard = card['defaultMethod']
  if (has(fromCard)) return fromCard
  return FALLBACK_METHODS.find(has) ?? offered[0]?.id ?? null
}
