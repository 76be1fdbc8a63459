/**
 * A separate process that races for a lock (lock.test.ts starts two of these).
 * Prints "ready", waits for "go" on stdin, tries once, prints the outcome as
 * JSON, and holds a won lock until stdin closes.
 */
import { createInterface } from 'node:readline';
import { acquireLock } from '../local-lock.js';

const [repoDir, environment, runId] = process.argv.slice(2);
if (repoDir === undefined || environment === undefined || runId === undefined) {
  throw new Error('usage: lock-contender REPO_DIR ENVIRONMENT RUN_ID');
}

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
let lock: Awaited<ReturnType<typeof acquireLock>> | undefined;
for await (const line of lines) {
  if (line.trim() !== 'go' || lock !== undefined) continue;
  lock = await acquireLock(repoDir, environment, { runId, rollout: 'web', operator: runId });
  const outcome = lock.ok ? { won: true, runId } : { won: false, runId, message: lock.error.message };
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}
if (lock?.ok) await lock.value.release();
