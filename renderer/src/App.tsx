/** Layout only (STYLE.md §2.3): panels own their state through the stores; no logic here. */
import { useEffect } from 'react'
import { RESEARCH_ONLY } from '@core/trust/report'
import { ClassPicker } from './panels/ClassPicker'
import { DomainBanner } from './panels/DomainBanner'
import { CompareControls } from './panels/CompareControls'
import { DrillDownPanel } from './panels/DrillDownPanel'
import { ExportButton } from './panels/ExportButton'
import { HeatmapSummary } from './panels/HeatmapSummary'
import { LayerRange } from './panels/LayerRange'
import { MethodPicker } from './panels/MethodPicker'
import { ModelCard } from './panels/ModelCard'
import { ModelInputPanel } from './panels/ModelInputPanel'
import { MouseBindings } from './panels/MouseBindings'
import { OpenButton } from './panels/OpenButton'
import { OverlayControls } from './panels/OverlayControls'
import { PatientDetails } from './panels/PatientDetails'
import { PredictionPanel } from './panels/PredictionPanel'
import { ScanControls } from './panels/ScanControls'
import { StatusBar } from './panels/StatusBar'
import { TrustPanel } from './panels/TrustPanel'
import { Viewer } from './panels/Viewer'
import { ViewControls } from './panels/ViewControls'
import { initApp } from './state/app-init'
import { useGlobalKeys } from './state/use-global-keys'

export function App() {
  useEffect(() => {
    void initApp()
  }, [])
  useGlobalKeys()
  return (
    <div className="app">
      <header className="toolbar" aria-label="Controls">
        <h1 className="brand">Mamba Lens</h1>
        <p className="research-only" data-testid="research-only">{RESEARCH_ONLY}</p>
        <OpenButton />
        <MethodPicker />
        <ClassPicker />
        <LayerRange />
        <CompareControls />
        <ViewControls />
        <ExportButton />
      </header>
      <DomainBanner />
      <main className="workspace">
        <Viewer />
        <aside className="sidebar" aria-label="Prediction and overlay">
          <PredictionPanel />
          <TrustPanel />
          <OverlayControls />
          <HeatmapSummary />
          <ScanControls />
          <ModelInputPanel />
          <MouseBindings />
          <PatientDetails />
          <ModelCard />
        </aside>
        <aside className="drill-column" aria-label="Patch drill-down">
          <DrillDownPanel />
        </aside>
      </main>
      <StatusBar />
    </div>
  )
}
