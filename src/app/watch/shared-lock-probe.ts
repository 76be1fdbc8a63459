/**
 * The `/metrics` lock probe when the lock lives on the Git remote (issue
 * 14): an environment is locked when this checkout's lock file is held, or
 * when its ref on the remote names a holder whose lease has not run out —
 * a run of another clone's watcher counts too.
 */
import { gitRun } from '../../records/git/git-run.js';
import { LOCKS_PREFIX } from '../../records/lock/remote-lock.js';
import { readSharedLock } from '../shared-run.js';
import { localLockProbe, type LockProbe } from './lock-probe.js';

export function sharedLockProbe(repoDir: string, remote: string): LockProbe {
  const local = localLockProbe(repoDir);
  return {
    environments: async () => {
      const listed = await gitRun(repoDir, ['ls-remote', '--end-of-options', remote, `${LOCKS_PREFIX}/*`]);
      const remoteEnvs =
        listed.code === 0
          ? listed.stdout.split('\n').flatMap((line) => line.split('\t')[1]?.slice(LOCKS_PREFIX.length + 1) ?? [])
          : [];
      return [...new Set([...(await local.environments()), ...remoteEnvs.filter((env) => env !== '')])];
    },
    held: async (environment) => {
      if (await local.held(environment)) return true;
      const shared = await readSharedLock(repoDir, remote, environment);
      return shared !== undefined && !shared.stale;
    },
  };
}
