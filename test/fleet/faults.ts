/**
 * Faults a test inflicts on a running fleet, the way they happen to real
 * hosts (see README.md, "Faults"): HAProxy restarted or reloaded (its runtime
 * state lost: every server `ready` again), a host's service stopped (HAProxy's
 * checks mark it DOWN), a package left unpacked but not configured. (The
 * dpkg lock held by another process: test/e2e/support/lock-holder.ts.) Each
 * acts on one fleet only, found by pid or over the host's own SSH — never by
 * a process name.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO_PACKAGE } from './apt-repo.js';
import { startHaproxy } from './haproxy.js';
import { SERVICE_PORT } from './host.js';
import { FLEET_SOURCE_DIR, fleetPaths, hostPaths } from './paths.js';
import { httpGet } from './probe.js';
import { commandLine, isAlive } from './processes.js';
import { readState, writeState, type FleetState } from './state.js';
import type { Fleet } from './types.js';
import { waitFor } from './wait.js';

async function stateOf(fleet: Fleet): Promise<FleetState & { haproxy: NonNullable<FleetState['haproxy']> }> {
  const state = await readState(fleet.dir);
  if (!state?.haproxy) throw new Error(`no running fleet in ${fleet.dir}`);
  return state as FleetState & { haproxy: NonNullable<FleetState['haproxy']> };
}

function hostOf(fleet: Fleet, name: string) {
  const host = fleet.hosts.find((candidate) => candidate.name === name);
  if (!host) throw new Error(`no host ${name} in the fleet at ${fleet.dir}`);
  return host;
}

export type HaproxyRestart =
  /** Stop the process (SIGTERM), then start a new one: the frontend is closed in between. */
  | 'restart'
  /** `haproxy -sf OLD` (systemctl reload): the new process takes the listeners over, the old one finishes. */
  | 'reload';

export interface RestartedHaproxy {
  before: number;
  after: number;
  /** Epoch ms when the new process answered on the runtime API. */
  at: number;
}

/**
 * Restarts the fleet's HAProxy for real, without a server-state file: the new
 * process knows only its config, so every server comes back `ready`, whatever
 * drain or maint the old one had. Resolves once the new process answers.
 */
export async function restartHaproxy(fleet: Fleet, how: HaproxyRestart = 'restart'): Promise<RestartedHaproxy> {
  const state = await stateOf(fleet);
  const before = state.haproxy.pid;
  const [binary] = await commandLine(before);
  if (!binary) throw new Error(`HAProxy (pid ${before}) of ${fleet.dir} is not running`);
  if (how === 'restart') {
    process.kill(before, 'SIGTERM');
    await waitFor(async () => !(await isAlive(before)), { what: `HAProxy ${before} to stop`, intervalMs: 20 });
  }
  const started = await startHaproxy(
    state.dir,
    state.prefix,
    state.hosts,
    binary,
    how === 'reload' ? { replacing: before } : {},
  );
  const at = Date.now();
  state.haproxy = started;
  await writeState(state);
  // After -sf the old process finishes its sessions and exits on its own.
  await waitFor(async () => !(await isAlive(before)), { what: `the old HAProxy ${before} to exit`, intervalMs: 50 });
  return { before, after: started.pid, at };
}

/** The pid of a host's demo service (service.js with the host's home as argument), if it runs. */
async function servicePid(fleet: Fleet, name: string): Promise<number | undefined> {
  const home = hostPaths(fleet.dir, name).home;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = await commandLine(Number(entry));
    if (argv[1]?.endsWith('/service.js') && argv[3] === home && (await isAlive(Number(entry)))) return Number(entry);
  }
  return undefined;
}

/**
 * Stops a host's demo service (SIGTERM to its pid): the host still answers SSH,
 * but HAProxy's checks mark it DOWN. Resolves once nothing listens on its port;
 * HAProxy notices ~0.6 s later (fall 2 × 300 ms).
 */
export async function stopService(fleet: Fleet, name: string): Promise<void> {
  const pid = await servicePid(fleet, name);
  if (pid === undefined) throw new Error(`${name}: its service is not running`);
  process.kill(pid, 'SIGTERM');
  await waitFor(async () => !(await isAlive(pid)), { what: `${name}'s service to stop`, intervalMs: 20 });
}

/** Whether a host's service answers HTTP at all (any status: a broken release answers 500). */
export async function serviceAnswers(fleet: Fleet, name: string): Promise<boolean> {
  const host = hostOf(fleet, name);
  return httpGet(`http://${host.address}:${SERVICE_PORT}/health`, 1_000).then(
    () => true,
    () => false,
  );
}

/**
 * Starts a host's service again, inside the host (over its SSH, so in its
 * namespaces, as host-init.sh does), detached from the session. Resolves once
 * it answers; a no-op when it already runs.
 */
export async function startService(fleet: Fleet, name: string): Promise<void> {
  if ((await servicePid(fleet, name)) !== undefined) return;
  const host = hostOf(fleet, name);
  const paths = hostPaths(fleet.dir, name);
  const service = join(FLEET_SOURCE_DIR, 'service.js');
  const started = await fleet.ssh(
    name,
    // setsid --fork returns at once: the session (and this ssh) ends while the service lives on.
    `cd / && setsid --fork '${process.execPath}' '${service}' '${host.address}' '${paths.home}' >>'${paths.serviceLog}' 2>&1 </dev/null`,
  );
  if (started.code !== 0) throw new Error(`${name}: could not start its service: ${started.stderr}`);
  await waitFor(() => serviceAnswers(fleet, name), { what: `${name}'s service to answer`, intervalMs: 50 });
}

/**
 * `dpkg --unpack` of demo VERSION from the fleet's repository on one host: its
 * files are in place (the service serves that version) but dpkg's status is
 * `iU` — unpacked, not configured — as an apt run killed between unpack and
 * configure leaves it.
 */
export async function unpackOnly(fleet: Fleet, name: string, version: string): Promise<void> {
  const deb = join(fleetPaths(fleet.dir).repo, `${DEMO_PACKAGE}_${version}_all.deb`);
  const unpack = await fleet.ssh(
    name,
    `dpkg --unpack '${deb}' >/dev/null && dpkg-query -W -f='\${db:Status-Abbrev}\${Version}' ${DEMO_PACKAGE}`,
  );
  if (unpack.code !== 0) throw new Error(`${name}: dpkg --unpack ${deb} failed: ${unpack.stderr}`);
  if (unpack.stdout.trim() !== `iU ${version}`)
    throw new Error(`${name}: expected demo unpacked, not configured (iU ${version}), dpkg says "${unpack.stdout}"`);
}
