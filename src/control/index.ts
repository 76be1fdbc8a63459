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
export { announceGates, type GateRules } from './gate-announcer.js';
export { answerer, operatorName, type Answerer } from './operator.js';
export { createRemoteAnswers, type RemoteAnswers } from './remote-answers.js';
export { admitAborts, refusalFeed } from './abort-admission.js';
export { gateAnswerOf, type Signers, type VerifySignature } from './answer-identity.js';
export { answerRecord, writeLocalAnswer } from '../records/control/answers.js';
