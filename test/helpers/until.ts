/** Polls `cond` every 5 ms until it holds; rejects after `ms` (async UI flows in the renderer tests). */
export async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const t0 = Date.now()
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}
