/**
 * GitOps ground for `watch` tests: the rollout repo watch runs in, a bare
 * "remote" it follows as `origin`, and a second clone where a person
 * commits a release and pushes it — as on a real team.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChecked } from '../../fleet/exec.js';
import type { Fleet } from '../../fleet/fleet.js';
import { commitVersion, makeRolloutRepo, type RolloutRepoOptions, type RolloutRepo } from '../support/rollout-repo.js';

export interface FollowedRepo {
  /** Where watch runs (`--repo`). */
  watched: RolloutRepo;
  /** Another clone of the remote, to commit and push from. */
  pusher: RolloutRepo;
  remoteDir: string;
  /** Commits "Release demo VERSION" in the pusher clone and pushes it; returns the sha. */
  release(version: string): Promise<string>;
  remove(): Promise<void>;
}

export async function makeFollowedRepo(fleet: Fleet, options: RolloutRepoOptions = {}): Promise<FollowedRepo> {
  const watched = await makeRolloutRepo(fleet, options);
  const root = await mkdtemp(join(tmpdir(), 'lieutenant-watch-remote-'));
  const remoteDir = join(root, 'rollouts.git');
  const pusherDir = join(root, 'pusher');
  await runChecked('git', ['init', '-q', '--bare', '-b', 'main', remoteDir]);
  await watched.git('remote', 'add', 'origin', remoteDir);
  await watched.git('push', '-q', '-u', 'origin', 'main');
  await runChecked('git', ['clone', '-q', remoteDir, pusherDir]);
  const git = (...args: string[]) => runChecked('git', args, { cwd: pusherDir });
  await git('config', 'user.name', 'Pushing Operator');
  await git('config', 'user.email', 'pusher@lieutenant.invalid');
  const pusher: RolloutRepo = {
    dir: pusherDir,
    playbookPath: join(pusherDir, 'playbooks', 'web.yaml'),
    knownHostsPath: watched.knownHostsPath,
    git,
    remove: () => rm(pusherDir, { recursive: true, force: true }),
  };
  return {
    watched,
    pusher,
    remoteDir,
    release: async (version) => {
      const sha = await commitVersion(pusher, version);
      await git('push', '-q', 'origin', 'main');
      return sha;
    },
    remove: async () => {
      await watched.remove();
      await rm(root, { recursive: true, force: true });
    },
  };
}
