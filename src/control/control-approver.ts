/**
 * The run's side of the control channel: an `Approver` that waits for an
 * answer file from `lieutenant approve`/`abort` (the gate itself is announced
 * in the active-run entry by `announceGates`, whoever answers it) — fs.watch for speed, a poll because watch
 * events can be missed (network filesystems, editors, overflow).
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Approver } from '../engine/index.js';
import type { AnswerRecord } from '../records/answers/answer-record.js';
import { gateAnswerOf, type Signers } from './answer-identity.js';
import { takeAnswer } from '../records/control/answers.js';
import { controlDir } from '../records/index.js';

export interface ControlApproverOptions {
  /** Poll interval, a fallback for missed watch events. */
  pollMs?: number;
  /** The allowed-signers file at the commit, when the environment wants signed answers. */
  signers?: Signers;
}

export function createControlApprover(repoDir: string, runId: string, options: ControlApproverOptions = {}): Approver {
  const pollMs = options.pollMs ?? 500;
  const dir = controlDir(repoDir, runId);
  return {
    async await(request, signal) {
      signal.throwIfAborted();
      await mkdir(dir, { recursive: true });
      signal.throwIfAborted(); // an abort while the folder was made fired no listener yet
      const record = await waitForAnswer(dir, request.afterBatch, pollMs, signal);
      return gateAnswerOf(record, options.signers);
    },
  };
}

function waitForAnswer(dir: string, afterBatch: number, pollMs: number, signal: AbortSignal): Promise<AnswerRecord> {
  return new Promise((resolve, reject) => {
    let watcher: FSWatcher | undefined;
    let settled = false;
    let checking = false;
    let again = false;

    const stop = () => {
      settled = true;
      watcher?.close();
      clearInterval(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      stop();
      reject(signal.reason);
    };
    // One look at a time; a change seen while looking triggers one more look.
    const check = async () => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          if (settled) return;
          const answer = await takeAnswer(dir, afterBatch);
          if (answer !== undefined && !settled) {
            stop();
            resolve(answer);
            return;
          }
        } while (again);
      } catch (error) {
        stop();
        reject(error);
      } finally {
        checking = false;
      }
    };

    const timer = setInterval(() => void check(), pollMs);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      watcher = watch(dir, () => void check());
      watcher.on('error', () => watcher?.close()); // the poll carries on
    } catch {
      watcher = undefined;
    }
    void check();
  });
}
