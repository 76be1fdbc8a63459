import pLimit from 'p-limit';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildAptRepo } from './apt-repo.js';
import { buildRpmRepo } from './rpm-repo.js';
import { assertReadableBy, assertSudoLogin, ensureSudoUser } from './deploy-user.js';
import { BACKEND, awaitServersUp, startHaproxy } from './haproxy.js';
import { fleetFromState } from './handle.js';
import type { HostSpec } from './host.js';
import { awaitHostReady, prepareHost, spawnHost } from './host.js';
import { writeInventory } from './inventory.js';
import { generateKeyPair, writeKnownHosts } from './keys.js';
import {
  DEFAULT_FLEET_DIR,
  DEFAULT_PREFIX,
  fleetPaths,
  hostAddress,
  hostName,
  maxHosts,
  rpmHostName,
} from './paths.js';
import { ensurePrerequisites } from './prerequisites.js';
import { commandLine, isAlive, isFleetCommand } from './processes.js';
import { isListening } from './probe.js';
import { startSharedService } from './shared-service.js';
import type { FleetState } from './state.js';
import { readState, writeState } from './state.js';
import { fleetEndpoints, stopFleet } from './stop.js';
import type { Fleet, FleetOptions } from './types.js';

export type { Fleet, FleetHost, FleetOptions } from './types.js';
export type { HostFlavour } from './host.js';
export { RPM_EXTRA_DEMOS, rpmEvr } from './rpm-repo.js';
export { RPM_GROUPS } from './paths.js';
export type { CommandResult } from './exec.js';
export {
  ADDON_PACKAGE,
  ADDON_VERSION,
  BROKEN_VERSION,
  DEMO_PACKAGE,
  DEMO_VERSIONS,
  FLAKY_VERSION,
  INITIAL_VERSION,
  SLOW_MS,
  SLOW_VERSION,
} from './apt-repo.js';
export type { DemoVersion } from './apt-repo.js';
export { haproxyCommand, parseShowStat, serverStatuses, awaitServersUp } from './haproxy.js';
export { httpGet } from './probe.js';
export { resetFleet, setFleetFault } from './reset.js';
export { stopFleet } from './stop.js';
export { waitFor } from './wait.js';
export { fleetFromState, sshArguments } from './handle.js';
export { DEFAULT_FLEET_DIR, DEFAULT_PREFIX, hostAddress, maxHosts } from './paths.js';
export { DEFAULT_SUDO_USER, ensureUserWithoutSudo, sudoersPath } from './deploy-user.js';

const DEFAULT_HOSTS = 6;
/** Larger fleets get one shared demo service by default (FleetOptions.sharedService). */
export const SHARED_SERVICE_ABOVE = 50;
/**
 * Hosts initialising at once: each runs apt-get (or dnf, zypper) at start-up, ~40 MiB and
 * most of a core for a moment; 300 at once would take gigabytes and time out on 2 cores.
 */
const STARTING_AT_ONCE = 24;

function checkedOptions(options: FleetOptions) {
  const dir = resolve(options.dir ?? DEFAULT_FLEET_DIR);
  const hosts = options.hosts ?? DEFAULT_HOSTS;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const environment = options.environment ?? 'staging';
  const dnfHosts = options.dnfHosts ?? 0;
  const zypperHosts = options.zypperHosts ?? 0;
  // Paths go into sshd_config and sources.list (split on whitespace) and mount options (split on , and :).
  if (/[\s"',:]/.test(dir)) throw new Error(`fleet dir must not contain whitespace, quotes, commas or colons: ${dir}`);
  if (!/^127\.(\d{1,3})\.(\d{1,3})$/.test(prefix) || prefix.split('.').some((part) => Number(part) > 255)) {
    throw new Error(`prefix must be a loopback /24 such as 127.0.1, got ${prefix}`);
  }
  const most = maxHosts(prefix);
  if (!Number.isInteger(hosts) || hosts < 0 || hosts > most) throw new Error(`hosts must be 0…${most}, got ${hosts}`);
  for (const [what, count] of [
    ['dnf hosts', dnfHosts],
    ['zypper hosts', zypperHosts],
  ] as const)
    if (!Number.isInteger(count) || count < 0) throw new Error(`${what} must be a whole number ≥ 0, got ${count}`);
  if (hosts + dnfHosts + zypperHosts < 1 || hosts + dnfHosts + zypperHosts > most)
    throw new Error(`a fleet on ${prefix} has 1…${most} hosts in all, got ${hosts + dnfHosts + zypperHosts}`);
  if (!/^[a-z][a-z0-9-]*$/.test(environment)) throw new Error(`environment must be a simple name, got ${environment}`);
  const total = hosts + dnfHosts + zypperHosts;
  const sharedService = options.sharedService ?? total > SHARED_SERVICE_ABOVE;
  return { dir, hosts, dnfHosts, zypperHosts, prefix, environment, sharedService };
}

/** Debian hosts first (web-01 = PREFIX.11 …), then dnf hosts, then zypper hosts, on the next addresses. */
function hostSpecs(apt: number, dnf: number, zypper: number, prefix: string): HostSpec[] {
  const specs: HostSpec[] = Array.from({ length: apt }, (_, i) => ({
    name: hostName(i + 1),
    address: hostAddress(prefix, i + 1),
    packageManager: 'apt',
  }));
  for (const [manager, count] of [
    ['dnf', dnf],
    ['zypper', zypper],
  ] as const) {
    for (let i = 1; i <= count; i++)
      specs.push({
        name: rpmHostName(manager, i),
        address: hostAddress(prefix, specs.length + 1),
        packageManager: manager,
      });
  }
  return specs;
}

/** Fails before anything starts when another fleet or a system service holds the fleet's ports. */
async function assertEndpointsFree(state: FleetState): Promise<void> {
  const endpoints = fleetEndpoints(state);
  const taken = await Promise.all(
    endpoints.map(async ([address, port]) => ((await isListening(address, port)) ? `${address}:${port}` : '')),
  );
  const busy = taken.filter(Boolean);
  if (busy.length > 0) {
    throw new Error(
      `cannot start the fleet: ${busy.join(', ')} already in use — another fleet on prefix ${state.prefix} ` +
        `(stop it with npm run fleet -- down --dir ITS_DIR, or pick --prefix), or a system service bound to 0.0.0.0`,
    );
  }
}

/** Two test runs sharing a dir (.fleet/e2e) must not replace each other's fleet mid-run. */
async function assertNotInUse(dir: string): Promise<void> {
  const owner = (await readState(dir))?.owner;
  if (owner !== undefined && owner !== process.pid && (await isAlive(owner))) {
    throw new Error(
      `the fleet in ${dir} belongs to a running process (pid ${owner}, e.g. another test run): wait for it, ` +
        `use another dir and prefix (LIEUTENANT_FLEET_DIR, LIEUTENANT_FLEET_PREFIX), or stop it with npm run fleet -- down --dir ${dir}`,
    );
  }
}

function rpmBuildTools(tools: Awaited<ReturnType<typeof ensurePrerequisites>>) {
  const { rpmbuild, createrepo_c } = tools;
  if (!rpmbuild || !createrepo_c)
    throw new Error('RPM hosts need rpmbuild and createrepo_c (apt-get install rpm createrepo-c)');
  return { rpmbuild, createrepo_c };
}

/**
 * Brings a fleet up: apt repo, keys, N hosts started in parallel (each on demo
 * 1.0), HAProxy with every server UP, inventory. A stale fleet in the same dir
 * is torn down first; a failed up tears down what it started.
 */
export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const { dir, hosts: aptCount, dnfHosts, zypperHosts, prefix, environment, sharedService } = checkedOptions(options);
  const log = options.log ?? (() => {});
  const rpm = dnfHosts + zypperHosts > 0;
  const tools = await ensurePrerequisites(log, { rpm });
  await assertNotInUse(dir);
  await stopFleet(dir);
  if (options.sudoUser) {
    log(`making sure ${options.sudoUser} exists with passwordless sudo`);
    await ensureSudoUser(options.sudoUser, tools);
  }

  const paths = fleetPaths(dir);
  const specs = hostSpecs(aptCount, dnfHosts, zypperHosts, prefix);
  const count = specs.length;
  const state: FleetState = {
    version: 1,
    dir,
    prefix,
    environment,
    startedAt: new Date().toISOString(),
    owner: options.owner,
    sudoUser: options.sudoUser,
    hosts: [],
  };
  await assertEndpointsFree({ ...state, hosts: specs.map((spec) => ({ ...spec, pid: 0 })) });
  await mkdir(paths.hosts, { recursive: true });

  try {
    log(`building the apt ${rpm ? 'and RPM repositories' : 'repository'} and keys`);
    const [repo, clientKey, rpmRepo] = await Promise.all([
      buildAptRepo(paths.repo, tools),
      generateKeyPair(tools['ssh-keygen'], paths.identityFile, 'lieutenant-fleet'),
      rpm ? buildRpmRepo(paths.rpmRepo, rpmBuildTools(tools)) : undefined,
    ]);
    // Public keys only; sshd reads the file as the user logging in, and the deploy user is not root.
    await writeFile(paths.authorizedKeys, `${clientKey}\n`);
    await chmod(paths.authorizedKeys, 0o644);
    if (options.sudoUser) await assertReadableBy(options.sudoUser, paths.authorizedKeys, tools);
    log(`preparing ${count} hosts`);
    const context = {
      tools,
      sourcesLine: repo.sourcesLine,
      authorizedKeys: paths.authorizedKeys,
      ...(rpmRepo ? { rpmRepoFile: rpmRepo.repoFile } : {}),
    };
    const hostKeys = await Promise.all(specs.map((spec) => prepareHost(dir, spec, context)));
    await writeKnownHosts(
      paths.knownHosts,
      specs.map((spec, i) => ({ address: spec.address, publicKey: hostKeys[i] ?? '' })),
    );

    log(`starting ${count} hosts (${STARTING_AT_ONCE} at a time${sharedService ? ', one shared demo service' : ''})`);
    state.hosts = specs.map((spec) => ({ ...spec, pid: 0 }));
    const limit = pLimit(STARTING_AT_ONCE);
    // One write at a time: writeState renames one temporary file.
    let saving = Promise.resolve();
    const save = () => (saving = saving.then(() => writeState(state)));
    await Promise.all(
      specs.map((spec, i) =>
        limit(async () => {
          const child = spawnHost(dir, spec, tools, { sharedService });
          const host = state.hosts[i] as FleetState['hosts'][number];
          host.pid = child.pid ?? 0;
          // Written as soon as there is a pid, so a failed up can be torn down.
          await save();
          Object.assign(host, await awaitHostReady(dir, spec, child, { health: !sharedService }));
        }),
      ),
    );
    await writeState(state);
    if (sharedService) {
      state.service = await startSharedService(dir, state.hosts);
      await writeState(state);
    }

    log('starting HAProxy');
    state.haproxy = await startHaproxy(dir, prefix, specs, tools.haproxy);
    await writeState(state);
    await awaitServersUp(
      state.haproxy.socket,
      specs.map((spec) => spec.name),
    );

    await writeInventory(paths.inventory, {
      environment,
      hosts: specs,
      identityFile: paths.identityFile,
      knownHosts: paths.knownHosts,
      socket: state.haproxy.socket,
      backend: BACKEND,
    });
    if (options.sudoUser) await assertSudoLogin(fleetFromState(state), options.sudoUser);
  } catch (error) {
    await stopFleet(dir).catch(() => {});
    throw error;
  }
  return fleetFromState(state);
}

/**
 * Reattaches to the fleet running in `dir` (from the state file `up` wrote), or
 * undefined when there is none or none of its processes is alive any more.
 */
export async function readFleet(dirOption: string): Promise<Fleet | undefined> {
  const dir = resolve(dirOption);
  const state = await readState(dir);
  if (!state?.haproxy) return undefined;
  const pids = [
    ...state.hosts.map((host) => host.pid),
    state.haproxy.pid,
    ...(state.service ? [state.service.pid] : []),
  ];
  const alive = await Promise.all(
    pids.map(async (pid) => (await isAlive(pid)) && isFleetCommand(await commandLine(pid), dir)),
  );
  return alive.some(Boolean) ? fleetFromState(state) : undefined;
}
