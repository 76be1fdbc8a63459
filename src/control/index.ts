/** The control channel's public face (see README.md). */
export {
  listActiveRuns,
  registerActiveRun,
  type ActiveGate,
  type ActiveRunHandle,
  type ActiveRunInfo,
  type ActiveRunRegistration,
} from '../records/control/active-runs.js';
export { sendAnswer } from '../records/control/answers.js';
export { watchForAbort, type AbortWatch } from './abort-watch.js';
export { createControlApprover, type ControlApproverOptions } from './control-approver.js';
export { autoApprover, firstAnswer } from './approvers.js';
export { announceGates } from './gate-announcer.js';
export { operatorName } from './operator.js';
