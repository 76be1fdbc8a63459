/**
 * The run's side of `lieutenant abort` at any moment: watches its control
 * folder for an abort file and aborts the run's abort signal with who sent it
 * and why (the engine finishes the hosts in flight and rolls the batch back),
 * once `admit` lets it (the environment's rules). A poll, cheap and sure;
 * taking the file is a rename, so it counts once.
 */
import { mkdir, readdir } from 'node:fs/promises';
import type { GateAnswer } from '../engine/index.js';
import { ABORT_FILE, controlDir } from '../records/index.js';
import type { AdmitAbort } from './abort-admission.js';
import { gateAnswerOf } from './answer-identity.js';
import { takeRecord } from '../records/control/answers.js';

export interface AbortWatch {
  /** Aborted, with a GateAnswer as its reason, when an operator aborts the run. */
  signal: AbortSignal;
  close(): void;
}

/** Without rules, any abort is taken, as its sender claims to be. */
const anyAbort: AdmitAbort = (record) => gateAnswerOf(record, undefined);

export async function watchForAbort(
  repoDir: string,
  runId: string,
  pollMs = 500,
  admit: AdmitAbort = anyAbort,
): Promise<AbortWatch> {
  const dir = controlDir(repoDir, runId);
  await mkdir(dir, { recursive: true });
  const controller = new AbortController();
  let looking = false;
  const look = async () => {
    if (looking || controller.signal.aborted) return;
    looking = true;
    try {
      const answer = await takeAbort(dir, admit);
      if (answer) controller.abort(answer);
    } finally {
      looking = false;
    }
  };
  const timer = setInterval(() => void look().catch(() => undefined), pollMs);
  timer.unref();
  return { signal: controller.signal, close: () => clearInterval(timer) };
}

async function takeAbort(dir: string, admit: AdmitAbort): Promise<GateAnswer | undefined> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => ABORT_FILE.test(name)).sort();
  for (const name of names) {
    const record = await takeRecord(dir, name);
    if (record?.decision !== 'abort') continue;
    const answer = await admit(record);
    if (answer) return answer;
  }
  return undefined;
}
