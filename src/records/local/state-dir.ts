/**
 * Lieutenant keeps its runtime state (journals, logs, locks, the control
 * channel) in `.lieutenant/` inside the rollout repo. What is deployed is
 * recorded in Git notes and refs instead; this folder must never be committed
 * by accident, so it ignores itself.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stateDir } from './layout.js';

export async function ensureStateDir(repoDir: string): Promise<string> {
  const dir = stateDir(repoDir);
  await mkdir(dir, { recursive: true });
  // 'wx': an operator's own .gitignore there is left alone.
  await writeFile(join(dir, '.gitignore'), '# Lieutenant runtime state: journals, logs, locks. Never committed.\n*\n', {
    flag: 'wx',
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return dir;
}
