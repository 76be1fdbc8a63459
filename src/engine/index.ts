/**
 * The engine's one public face: what app/, ui/, adapters/ and the tests
 * outside this folder may use. Its ports (what adapters implement), its events
 * (what views consume), and the entry points that execute or observe.
 */
export type * from './ports.js';
export type * from './events.js';
export { EXIT_CODE } from './events.js';
export type { EngineDeps, LeaseLapsedReason, RefusedAnswer, RunControl, WaitingGate } from './deps.js';
export { executePlan, type RunOutcome } from './execute.js';
export { observeFleet, type Observation, type ObserveDeps } from './observe.js';
export { rollbackTarget } from './batch.js';
export { drainHost, returnHost, holdOutOfRotation, isUp, type RotationOptions, type Drained } from './steps/drain.js';
export {
  awaitHealthy,
  renderChecks,
  checkLabel,
  type HealthPolicy,
  type MeasurementListener,
} from './steps/await-healthy.js';
export { preflight } from './preflight.js';
