/** Each e2e test starts from known ground: the shared fleet, every host on demo 1.0 and UP. */
import { afterEach, beforeEach } from 'vitest';
import { e2eFleetDir } from '../../fleet/e2e-fleet.js';
import { readFleet, resetFleet } from '../../fleet/fleet.js';
import type { Fleet } from '../../fleet/fleet.js';
import { makeRolloutRepo, type RolloutRepo, type RolloutRepoOptions } from './rollout-repo.js';

export async function freshFleet(): Promise<Fleet> {
  const dir = e2eFleetDir();
  const found = await readFleet(dir);
  if (!found) throw new Error(`no fleet running in ${dir} (the e2e global setup starts one)`);
  return resetFleet(found);
}

export const hostNames = (fleet: Fleet): string[] => fleet.hosts.map((host) => host.name);

export const allUp = (hosts: readonly string[]): Record<string, string> =>
  Object.fromEntries(hosts.map((host) => [host, 'UP']));

export interface FreshFleet {
  /** The fleet, reset before this test; only inside a test and its hooks. */
  readonly fleet: Fleet;
  /** A rollout repo on that fleet, removed after the test whether it passed or not. */
  repo(options?: RolloutRepoOptions): Promise<RolloutRepo>;
}

/** For a whole file: a fresh fleet before each test, and every repo made through `repo()` removed after it, even if it failed. Call it before the file's own hooks, which then run inside it. */
export function useFreshFleet(): FreshFleet {
  let current: Fleet | undefined;
  const made: RolloutRepo[] = [];
  beforeEach(async () => {
    current = await freshFleet();
  });
  afterEach(async () => {
    current = undefined;
    await Promise.all(made.splice(0).map((repo) => repo.remove()));
  });
  return {
    get fleet() {
      if (!current)
        throw new Error(
          'useFreshFleet(): the fleet is reset for each test, and there is none outside one (use it inside a test or a beforeEach/afterEach)',
        );
      return current;
    },
    async repo(options) {
      const repo = await makeRolloutRepo(this.fleet, options);
      made.push(repo);
      return repo;
    },
  };
}
