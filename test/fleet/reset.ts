import { rm, writeFile } from 'node:fs/promises';
import { ADDON_PACKAGE, INITIAL_VERSION } from './apt-repo.js';
import { fleetPaths } from './paths.js';
import { BACKEND, awaitServersUp, startHaproxy } from './haproxy.js';
import { awaitHostReady, spawnHost } from './host.js';
import type { HostFlavour } from './host.js';
import type { Tools } from './prerequisites.js';
import { ensurePrerequisites } from './prerequisites.js';
import { commandLine, findHostProcesses, isAlive, isFleetCommand, terminate } from './processes.js';
import type { FleetState, HostState } from './state.js';
import { readState, writeState } from './state.js';
import type { Fleet } from './types.js';
import { fleetFromState } from './handle.js';
import { serviceAnswers, startService } from './faults.js';
import { startSharedService } from './shared-service.js';
import pLimit from 'p-limit';

/** "demo 0:1.0-1"; the add-on only when installed. */
const RPM_QUERY = `rpm -q --qf '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n' demo ${ADDON_PACKAGE} 2>/dev/null | grep -v 'is not installed' || true`;
const RPM_EXPECTED = `demo 0:${INITIAL_VERSION}-1`;

/**
 * A fleet-wide problem (not the release's): every host answers `errorRate` of
 * its requests to / with 500, whatever version it runs; undefined ends it.
 */
export async function setFleetFault(dir: string, errorRate: number | undefined): Promise<void> {
  const path = fleetPaths(dir).faultErrorRate;
  if (errorRate === undefined) await rm(path, { force: true });
  else await writeFile(path, `${errorRate}\n`);
}

async function isRunning(pid: number, dir: string): Promise<boolean> {
  return (await isAlive(pid)) && isFleetCommand(await commandLine(pid), dir);
}

/** Brings back a host whose sshd died (a test simulating a crash): same root, same host key. */
async function restartHost(state: FleetState, host: HostState, tools: Tools): Promise<void> {
  const leftovers = await findHostProcesses(state.dir, host.name, host.mountNamespace);
  await terminate(leftovers);
  const shared = state.service !== undefined;
  const child = spawnHost(state.dir, host, tools, { installVersion: INITIAL_VERSION, sharedService: shared });
  host.pid = child.pid ?? 0;
  host.mountNamespace = (await awaitHostReady(state.dir, host, child, { health: !shared })).mountNamespace;
}

/** Per package manager: how to read demo and the add-on, what that reads when reset, and how to get there. */
const RESET: Record<HostFlavour, { query: string; expected: string; install: string }> = {
  apt: {
    /** "demo 1.0 ii", and a line for the add-on only when dpkg knows it at all. */
    query: `dpkg-query -W -f='\${Package} \${Version} \${db:Status-Abbrev}\\n' demo ${ADDON_PACKAGE} 2>/dev/null || true`,
    expected: `demo ${INITIAL_VERSION} ii`,
    // --allow-downgrades: a test may have left 1.1 or 2.0; dpkg --configure -a finishes an apt run a test interrupted;
    // and the add-on a test installed goes (--purge: no config left behind either).
    install:
      `export DEBIAN_FRONTEND=noninteractive; dpkg --configure -a && ` +
      `apt-get install -y -q --allow-downgrades demo=${INITIAL_VERSION} && dpkg --purge ${ADDON_PACKAGE}`,
  },
  dnf: {
    query: RPM_QUERY,
    expected: RPM_EXPECTED,
    // 0: keeps dnf off 1:… builds; rpm -e of an add-on that is not there is not a failure here.
    install: `dnf install -y -q demo-0:${INITIAL_VERSION}-1 && { ! rpm -q ${ADDON_PACKAGE} >/dev/null || rpm -e ${ADDON_PACKAGE}; }`,
  },
  zypper: {
    query: RPM_QUERY,
    expected: RPM_EXPECTED,
    install:
      `zypper --non-interactive --quiet install --oldpackage demo=0:${INITIAL_VERSION}-1 && ` +
      `{ ! rpm -q ${ADDON_PACKAGE} >/dev/null || rpm -e ${ADDON_PACKAGE}; }`,
  },
};

/**
 * Puts a running fleet back in its starting state, so an e2e file can begin
 * from known ground without a new fleet: dead hosts, services or HAProxy
 * restarted, every host on demo 1.0, every server `ready` with checks enabled and UP.
 */
export async function resetFleet(fleet: Fleet): Promise<Fleet> {
  const state = await readState(fleet.dir);
  if (!state?.haproxy) throw new Error(`no fleet state in ${fleet.dir}: start one with startFleet()`);
  await setFleetFault(fleet.dir, undefined);
  let tools: Tools | undefined;
  const rpm = state.hosts.some((host) => (host.packageManager ?? 'apt') !== 'apt');
  const needTools = async () => (tools ??= await ensurePrerequisites(() => {}, { rpm }));

  let restarted = false;
  for (const host of state.hosts)
    if (!(await isRunning(host.pid, state.dir))) {
      await restartHost(state, host, await needTools());
      restarted = true;
    }
  // The shared service reads hosts through their pids: a restarted host needs it restarted too.
  if (state.service && (restarted || !(await isRunning(state.service.pid, state.dir)))) {
    await terminate([state.service.pid]);
    state.service = await startSharedService(state.dir, state.hosts);
  }
  if (!(await isRunning(state.haproxy.pid, state.dir))) {
    state.haproxy = await startHaproxy(state.dir, state.prefix, state.hosts, (await needTools()).haproxy);
  }
  await writeState(state);
  const current = fleetFromState(state);
  // A test that stopped a host's service (stopService) and failed before starting it again.
  if (!state.service)
    for (const host of current.hosts)
      if (!(await serviceAnswers(current, host.name))) await startService(current, host.name);

  // Bounded: a 300-host fleet would otherwise open 300 SSH handshakes at once on a 2-core machine.
  const limit = pLimit(32);
  await Promise.all(
    [...current.hosts, ...current.rpmHosts].map((host) =>
      limit(async () => {
        const reset = RESET[host.packageManager];
        const query = await current.ssh(host.name, reset.query);
        if (query.code === 0 && query.stdout.trim() === reset.expected) return;
        const install = await current.ssh(host.name, reset.install);
        if (install.code !== 0)
          throw new Error(`reset ${host.name} to demo ${INITIAL_VERSION} failed:\n${install.stderr || install.stdout}`);
      }),
    ),
  );
  const all = [...current.hosts, ...current.rpmHosts];
  for (const host of all) {
    await current.haproxyCommand(`set server ${BACKEND}/${host.name} state ready`);
    await current.haproxyCommand(`enable health ${BACKEND}/${host.name}`);
  }
  await awaitServersUp(
    current.haproxy.socket,
    all.map((host) => host.name),
  );
  return current;
}
