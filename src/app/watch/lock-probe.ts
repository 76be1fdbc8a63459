/**
 * "Is the environment's lock held?" for `/metrics`, behind one small port so
 * another kind of lock (one kept on the Git remote) can answer it later
 * without the metrics knowing. Today: the local lock files of the rollout
 * repo (`.lieutenant/locks/`), held when their holder's process is alive.
 */
import { readdir } from 'node:fs/promises';
import { locksDir, readLock } from '../../records/index.js';

export interface LockProbe {
  /** Environments with a lock to report even if the watcher has not met them (a lock file exists). */
  environments(): Promise<string[]>;
  held(environment: string): Promise<boolean>;
}

const LOCK_FILE = /^(.+)\.lock$/;

export function localLockProbe(repoDir: string): LockProbe {
  return {
    environments: async () => {
      const names = await readdir(locksDir(repoDir)).catch(() => [] as string[]);
      return names.flatMap((name) => LOCK_FILE.exec(name)?.[1] ?? []);
    },
    held: async (environment) => {
      const lock = await readLock(repoDir, environment).catch(() => undefined);
      return lock !== undefined && !lock.stale;
    },
  };
}
