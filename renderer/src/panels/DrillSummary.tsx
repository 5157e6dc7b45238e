import { useMemo } from 'react'
import type { DrilldownResultDto } from '../../../preload/contract'
import { dropCls, makeLayout } from '@core/layout'
import { describeDrill, meanMagnitude } from '@core/ui/drill-summary'

/** The drill-down in plain words, first thing a reader sees (core/ui/drill-summary.ts). */
export function DrillSummary({ result, gridRows, gridCols }: { readonly result: DrilldownResultDto; readonly gridRows: number; readonly gridCols: number }) {
  const text = useMemo(() => {
    const layout = makeLayout(gridRows, gridCols)
    const perPatch = (vs: DrilldownResultDto['rows']) => vs.map((dirs) => dirs.filter((v) => v.length === layout.tokens).map((v) => dropCls(layout, v)))
    const to = meanMagnitude(perPatch(result.rows), layout.patches, result.patch)
    const from = meanMagnitude(perPatch(result.cols), layout.patches, result.patch)
    return describeDrill(to, from, { gridRows, gridCols }, result.rows.length)
  }, [result, gridRows, gridCols])
  return <p className="drill-summary" data-testid="drill-summary">{text}</p>
}
