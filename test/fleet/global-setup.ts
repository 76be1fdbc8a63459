import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { DEFAULT_PREFIX, DEFAULT_SUDO_USER, readFleet, resetFleet, startFleet, stopFleet } from './fleet.js';
import { REPO_ROOT } from './paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Directory of the shared e2e fleet; in a test: `const fleet = await readFleet(inject('fleetDir'))`. */
    fleetDir: string;
  }
}

export const E2E_DNF_HOSTS = 2;
export const E2E_ZYPPER_HOSTS = 1;

/**
 * globalSetup of the vitest `e2e` project: one fleet of 6 Debian hosts (and
 * E2E_DNF_HOSTS + E2E_ZYPPER_HOSTS RPM hosts) for every e2e
 * file (they run one after another; each starts with `resetFleet`), with
 * the deploy user DEFAULT_SUDO_USER for the `become: sudo` tests. With
 * LIEUTENANT_FLEET_DIR naming a running fleet (`npm run fleet -- up --dir …`),
 * that fleet is reset and reused and left running, for fast iteration.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const reuse = process.env.LIEUTENANT_FLEET_DIR;
  if (reuse) {
    const running = await readFleet(reuse);
    if (running) {
      await resetFleet(running);
      console.log(`e2e: reusing the fleet in ${running.dir} (left running)`);
      project.provide('fleetDir', running.dir);
      return async () => {};
    }
  }
  const dir = reuse ? resolve(reuse) : join(REPO_ROOT, '.fleet', 'e2e');
  const started = Date.now();
  const fleet = await startFleet({
    dir,
    hosts: 6,
    // RPM hosts beside the Debian ones, behind the same HAProxy: dnf and zypper for real (test/e2e/rpm-*.e2e.test.ts).
    dnfHosts: E2E_DNF_HOSTS,
    zypperHosts: E2E_ZYPPER_HOSTS,
    prefix: process.env.LIEUTENANT_FLEET_PREFIX ?? DEFAULT_PREFIX,
    owner: process.pid,
    sudoUser: DEFAULT_SUDO_USER,
  });
  console.log(
    `e2e: fleet of ${fleet.hosts.length} Debian and ${fleet.rpmHosts.length} RPM hosts up in ${((Date.now() - started) / 1000).toFixed(1)} s (${dir})`,
  );
  project.provide('fleetDir', fleet.dir);
  return () => stopFleet(fleet.dir);
}
