/**
 * What the rest of the code uses of `.lieutenant/` (every path: layout.ts),
 * the environment locks and their lease fence, the liveness of the processes
 * that wrote them, and the list of runs. See README.md for every record.
 */
export * from './local/layout.js';
export { acquireLock, describeHolder, isStale, readLock } from './lock/local-lock.js';
export { checkState, type StateProblem } from './local/check.js';
export type { Lock, LockHeld, LockHolder, LockInfo, LockStatus } from './lock/local-lock.js';
export { CLOCK_SKEW_ALLOWANCE_MS, holderMarginMs, type LeaseFence, type LeaseLapsed } from './lock/fence.js';
export type { EnvironmentLock, LeasedLockInfo } from './lock/lock-port.js';
export { isAlive } from './local/liveness.js';
export { listRuns, newRunId } from './local/runs.js';
export { ensureStateDir } from './local/state-dir.js';
