/**
 * The run's side of `lieutenant abort` at any moment: watches its control
 * folder for an abort file and aborts the run's abort signal with who sent it
 * and why (the engine finishes the hosts in flight and rolls the batch back).
 * A poll, cheap and sure; taking the file is a rename, so it counts once.
 */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { GateAnswer } from '../engine/index.js';
import { ABORT_FILE, controlDir } from '../records/index.js';

const AbortFile = z.object({ by: z.string(), reason: z.string().optional() });

export interface AbortWatch {
  /** Aborted, with a GateAnswer as its reason, when an operator aborts the run. */
  signal: AbortSignal;
  close(): void;
}

export async function watchForAbort(repoDir: string, runId: string, pollMs = 500): Promise<AbortWatch> {
  const dir = controlDir(repoDir, runId);
  await mkdir(dir, { recursive: true });
  const controller = new AbortController();
  let looking = false;
  const look = async () => {
    if (looking || controller.signal.aborted) return;
    looking = true;
    try {
      const answer = await takeAbort(dir);
      if (answer) controller.abort(answer);
    } finally {
      looking = false;
    }
  };
  const timer = setInterval(() => void look().catch(() => undefined), pollMs);
  timer.unref();
  return { signal: controller.signal, close: () => clearInterval(timer) };
}

async function takeAbort(dir: string): Promise<GateAnswer | undefined> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => ABORT_FILE.test(name)).sort();
  for (const name of names) {
    const taken = join(dir, `.taken-${name}`);
    try {
      await rename(join(dir, name), taken);
    } catch {
      continue;
    }
    const text = await readFile(taken, 'utf8').catch(() => '');
    await rm(taken, { force: true });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      continue;
    }
    const parsed = AbortFile.safeParse(json);
    if (!parsed.success) continue;
    const { by, reason } = parsed.data;
    return reason === undefined ? { decision: 'abort', by } : { decision: 'abort', by, reason };
  }
  return undefined;
}
