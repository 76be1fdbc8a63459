import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { DEFAULT_PREFIX, DEFAULT_SUDO_USER, readFleet, resetFleet, startFleet, stopFleet } from './fleet.js';
import { REPO_ROOT } from './paths.js';
import { e2eFleetCount } from './e2e-parallel.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * Directories of the e2e fleets, one per vitest worker; in a test:
     * `const fleet = await readFleet(e2eFleetDir())` (test/fleet/e2e-fleet.ts).
     */
    fleetDirs: string[];
  }
}

export const E2E_DNF_HOSTS = 2;
export const E2E_ZYPPER_HOSTS = 1;

/** The second fleet's prefix (the first is LIEUTENANT_FLEET_PREFIX, else DEFAULT_PREFIX). */
const SECOND_PREFIX = process.env.LIEUTENANT_FLEET_PREFIX2 ?? '127.0.2';

/**
 * globalSetup of the vitest `e2e` project: one fleet per e2e worker
 * (e2eFleetCount(), 2 by default), each of 6 Debian hosts and E2E_DNF_HOSTS +
 * E2E_ZYPPER_HOSTS RPM hosts behind its own HAProxy, with the deploy user
 * DEFAULT_SUDO_USER for the `become: sudo` tests. Each file runs on its
 * worker's fleet and starts with `resetFleet`; two files never share one.
 * With LIEUTENANT_FLEET_DIR naming a running fleet (`npm run fleet -- up
 * --dir …`), that one fleet is reset and reused and left running, for fast
 * iteration (the e2e files then run one after another).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const reuse = process.env.LIEUTENANT_FLEET_DIR;
  if (reuse) {
    const running = await readFleet(reuse);
    if (running) {
      await resetFleet(running);
      console.log(`e2e: reusing the fleet in ${running.dir} (left running)`);
      project.provide('fleetDirs', [running.dir]);
      return async () => {};
    }
  }
  const first = {
    dir: reuse ? resolve(reuse) : join(REPO_ROOT, '.fleet', 'e2e'),
    prefix: process.env.LIEUTENANT_FLEET_PREFIX ?? DEFAULT_PREFIX,
  };
  const wanted = [first, { dir: join(REPO_ROOT, '.fleet', 'e2e-2'), prefix: SECOND_PREFIX }].slice(0, e2eFleetCount());
  const started = Date.now();
  const fleets = await Promise.all(
    wanted.map(({ dir, prefix }) =>
      startFleet({
        dir,
        hosts: 6,
        // RPM hosts beside the Debian ones, behind the same HAProxy: dnf and zypper for real.
        dnfHosts: E2E_DNF_HOSTS,
        zypperHosts: E2E_ZYPPER_HOSTS,
        prefix,
        owner: process.pid,
        sudoUser: DEFAULT_SUDO_USER,
      }),
    ),
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  for (const fleet of fleets) {
    console.log(
      `e2e: fleet of ${fleet.hosts.length} Debian and ${fleet.rpmHosts.length} RPM hosts on ${fleet.prefix} up (${fleet.dir})`,
    );
  }
  console.log(`e2e: ${fleets.length} fleet(s) up in ${seconds} s`);
  project.provide(
    'fleetDirs',
    fleets.map((fleet) => fleet.dir),
  );
  return async () => {
    await Promise.all(fleets.map((fleet) => stopFleet(fleet.dir)));
  };
}
