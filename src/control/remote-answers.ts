/**
 * The holder's side of answers through the Git remote: its gates published
 * in the run's answer log (records/answers/), and the log read every
 * `pollMs` for answers from any clone. An answer to the gate waiting goes to
 * the engine as an approver's answer (the engine judges it by the rules); an
 * abort sent while the run works on a batch is judged here — the same pure
 * rules — and either aborts the run or is handed back as a refusal to journal.
 */
import type { ApprovalRules } from '../core/approvals.js';
import type { Approver, GateAnswer, RefusedAnswer, RunEvent } from '../engine/index.js';
import type { AnswerRecord, ClosedRecord, GateRecord } from '../records/answers/answer-record.js';
import { appendAnswerLog, deleteAnswerLog, readAnswerLog } from '../records/answers/answer-log.js';
import { admitAborts, refusalFeed } from './abort-admission.js';
import { gateAnswerOf, type Signers } from './answer-identity.js';

export interface RemoteAnswersOptions {
  repoDir: string;
  remote: string;
  runId: string;
  rollout: string;
  environment: string;
  operator: string;
  /** Where the run is held: `user@host:/checkout`. */
  holder: string;
  commit: string;
  rules: ApprovalRules;
  author?: string;
  signers?: Signers;
  pollMs: number;
  onWarning: (message: string) => void;
}

export interface RemoteAnswers {
  approver: Approver;
  /** Aborted, with the GateAnswer as its reason, by an accepted abort sent while no gate waited. */
  abort: AbortSignal;
  refusals: (listener: (refusal: RefusedAnswer) => void) => () => void;
  /** Publishes the run's gates: a listener of its events. */
  listener: (event: RunEvent) => void;
  /** Stops reading; marks the log ended and deletes it. */
  close(): Promise<void>;
}

export function createRemoteAnswers(options: RemoteAnswersOptions): RemoteAnswers {
  const { repoDir, remote, runId } = options;
  const aborts = new AbortController();
  const refusals = refusalFeed();
  const inbox = gateInbox();
  let gate: number | undefined;
  let cursor: string | undefined;
  let warned = false;
  let writes: Promise<unknown> = Promise.resolve();
  const write = (record: GateRecord | ClosedRecord) => {
    writes = writes.then(async () => {
      const appended = await appendAnswerLog(repoDir, remote, record);
      if (!appended.ok) warnOnce(`${appended.error.message}: ${appended.error.detail ?? ''}`);
    });
  };
  const warnOnce = (message: string) => {
    if (warned) return;
    warned = true;
    options.onWarning(`${message}; answers from other clones may not reach this run (this terminal still can)`);
  };

  const admit = admitAborts(options, (refusal) => refusals.publish(refusal));
  const take = async (record: AnswerRecord) => {
    const atGate = gate !== undefined && (record.afterBatch === gate || record.afterBatch === undefined);
    if (atGate) return inbox.put(await gateAnswerOf(record, options.signers));
    if (record.afterBatch !== undefined || record.decision !== 'abort' || aborts.signal.aborted) return undefined;
    const answer = await admit(record);
    if (answer) aborts.abort(answer);
    return undefined;
  };
  let reading = false;
  const poll = async () => {
    if (reading) return;
    reading = true;
    try {
      const read = await readAnswerLog(repoDir, remote, runId, cursor);
      if (!read.ok) return warnOnce(`${read.error.message}: ${read.error.detail ?? ''}`);
      for (const record of read.value.records) if (record.kind === 'answer') await take(record);
      cursor = read.value.tip ?? cursor;
    } finally {
      reading = false;
    }
  };
  const timer = setInterval(() => void poll(), options.pollMs);
  timer.unref();

  return {
    approver: {
      async await(request, signal) {
        return inbox.next(request.afterBatch, signal);
      },
    },
    abort: aborts.signal,
    refusals: refusals.subscribe,
    listener: (event) => {
      if (event.type === 'gate.waiting') {
        gate = event.afterBatch;
        inbox.open(event.afterBatch);
        write(gateRecord(options, event));
      } else if (event.type === 'gate.answered' && event.during === undefined && gate !== undefined) {
        write({ kind: 'closed', runId, afterBatch: gate, at: event.at });
        gate = undefined;
      }
    },
    close: async () => {
      clearInterval(timer);
      await writes;
      await endLog(options);
    },
  };
}

function gateRecord(options: RemoteAnswersOptions, event: Extract<RunEvent, { type: 'gate.waiting' }>): GateRecord {
  return {
    kind: 'gate',
    runId: options.runId,
    rollout: options.rollout,
    environment: options.environment,
    afterBatch: event.afterBatch,
    batches: event.batches,
    pause: event.pause,
    summary: event.summary,
    commit: options.commit,
    rules: options.rules,
    ...(options.author === undefined ? {} : { author: options.author }),
    ...(options.signers === undefined ? {} : { allowedSigners: options.signers.text }),
    operator: options.operator,
    holder: options.holder,
    at: event.at,
  };
}

/** The run ended: say so in the log (a late answer reads that), then delete it unless something came meanwhile. */
async function endLog(options: RemoteAnswersOptions): Promise<void> {
  const { repoDir, remote, runId } = options;
  const ended = await appendAnswerLog(repoDir, remote, { kind: 'closed', runId, at: new Date().toISOString() });
  if (!ended.ok) return;
  await deleteAnswerLog(repoDir, remote, runId, ended.value.oid);
}

/** Answers to the gate that waits, queued until the engine asks (it asks again after each counted approval). */
function gateInbox() {
  let afterBatch: number | undefined;
  let queued: GateAnswer[] = [];
  let waiter: ((answer: GateAnswer) => void) | undefined;
  return {
    open(gate: number) {
      afterBatch = gate;
      queued = [];
    },
    put(answer: GateAnswer) {
      if (waiter) waiter(answer);
      else queued.push(answer);
    },
    next(gate: number, signal: AbortSignal): Promise<GateAnswer> {
      signal.throwIfAborted();
      if (afterBatch !== gate) this.open(gate);
      const first = queued.shift();
      if (first) return Promise.resolve(first);
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          waiter = undefined;
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiter = (answer) => {
          waiter = undefined;
          signal.removeEventListener('abort', onAbort);
          resolve(answer);
        };
      });
    },
  };
}
