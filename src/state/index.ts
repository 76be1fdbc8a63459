/**
 * The one owner of `.lieutenant/`, Lieutenant's local state in the rollout
 * repo's checkout: every path (layout.ts), the environment locks, the
 * liveness of the processes that wrote them, and the list of runs.
 */
export * from './layout.js';
export { acquireLock, describeHolder, isStale, readLock } from './lock.js';
export { checkState, type StateProblem } from './check.js';
export type { Lock, LockHeld, LockHolder, LockInfo, LockStatus } from './lock.js';
export { isAlive } from './liveness.js';
export { listRuns, newRunId } from './runs.js';
export { ensureStateDir } from './state-dir.js';
