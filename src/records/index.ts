/**
 * The one owner of `.lieutenant/`, Lieutenant's local state in the rollout
 * repo's checkout: every path (layout.ts), the environment locks, the
 * liveness of the processes that wrote them, and the list of runs.
 */
export * from './local/layout.js';
export { acquireLock, describeHolder, isStale, readLock } from './lock/local-lock.js';
export { checkState, type StateProblem } from './local/check.js';
export type { Lock, LockHeld, LockHolder, LockInfo, LockStatus } from './lock/local-lock.js';
export { isAlive } from './local/liveness.js';
export { listRuns, newRunId } from './local/runs.js';
export { ensureStateDir } from './local/state-dir.js';
