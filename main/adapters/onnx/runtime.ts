/**
 * onnxruntime-node, loaded only after its telemetry is switched off (telemetry.ts). Every ORT import in
 * the app, its tests and benchmarks goes through this module (lint forbids importing onnxruntime-node
 * elsewhere), so no process can create a session with telemetry on.
 */
import './telemetry'
// eslint-disable-next-line no-restricted-imports -- the one place that may import it (see above)
export * from 'onnxruntime-node'
