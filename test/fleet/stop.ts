import { readdir, rm } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { join, resolve } from 'node:path';
import { haproxyAddress, fleetPaths, hostPaths } from './paths.js';
import { commandLine, findFleetProcesses, isAlive, isFleetCommand, terminate } from './processes.js';
import { isListening } from './probe.js';
import { readState } from './state.js';
import type { FleetState } from './state.js';

/** The host and HAProxy group leaders the state file names, if they are still this fleet's processes. */
async function recordedLeaders(dir: string, state: FleetState | undefined): Promise<number[]> {
  const pids = [
    ...(state?.hosts.map((host) => host.pid) ?? []),
    ...(state?.haproxy ? [state.haproxy.pid] : []),
    ...(state?.service ? [state.service.pid] : []),
    ...(state?.lbHosts ?? []).map((lb) => lb.pid),
  ];
  const leaders: number[] = [];
  // A pid from an old state file may belong to someone else by now: check its command line.
  for (const pid of pids)
    if (pid > 0 && (await isAlive(pid)) && isFleetCommand(await commandLine(pid), dir)) leaders.push(pid);
  return leaders;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // group already gone
  }
}

/** Addresses:ports a fleet listens on, for the "nothing left listening" check. */
export function fleetEndpoints(state: FleetState): Array<[string, number]> {
  const vip = haproxyAddress(state.prefix);
  return [
    ...state.hosts.flatMap((host): Array<[string, number]> => [
      [host.address, 22],
      [host.address, 8080],
    ]),
    [vip, 8080],
    [vip, 9999],
    ...(state.lbHosts ?? []).flatMap((lb): Array<[string, number]> => [
      [lb.address, 22],
      [lb.address, 8080],
    ]),
  ];
}

/**
 * Tears down the fleet in `dir`: SIGTERM to each recorded process group, then
 * every process still named after the fleet dir or living in a host's mount
 * namespace (SSH sessions), SIGKILL after a grace period. Verifies nothing is
 * left running or listening, then removes host roots and runtime files; keeps
 * logs and the apt repo cache. Idempotent: without a state file it still sweeps.
 */
export async function stopFleet(dirOption: string): Promise<void> {
  const dir = resolve(dirOption);
  const state = await readState(dir);
  const namespaces = [...(state?.hosts ?? []), ...(state?.lbHosts ?? [])].flatMap((host) =>
    host.mountNamespace ? [host.mountNamespace] : [],
  );

  for (const pid of await recordedLeaders(dir, state)) killGroup(pid);
  // New processes can appear while we kill (sshd forking for a connection): sweep until a pass finds none.
  let stubborn: number[] = [];
  for (let pass = 0; pass < 5; pass++) {
    const pids = await findFleetProcesses(dir, namespaces);
    if (pids.length === 0) break;
    stubborn = await terminate(pids);
  }
  const left = await findFleetProcesses(dir, namespaces);
  if (left.length > 0 || stubborn.length > 0) {
    throw new Error(`fleet ${dir}: processes would not exit: ${[...new Set([...left, ...stubborn])].join(', ')}`);
  }
  if (state) {
    // A process that has just exited may hold its listening socket a moment longer (seen under heavy load):
    // what still listens after a few seconds is someone else's.
    const stillListening = async () => {
      const listening = [];
      for (const [address, port] of fleetEndpoints(state))
        if (await isListening(address, port, 200)) listening.push(`${address}:${port}`);
      return listening;
    };
    let listening = await stillListening();
    for (let tries = 0; listening.length > 0 && tries < 25; tries++) {
      await delay(200);
      listening = await stillListening();
    }
    if (listening.length > 0)
      throw new Error(`fleet ${dir} is down but something still listens on ${listening.join(', ')}`);
  }

  const paths = fleetPaths(dir);
  // Host roots are only plain directories now: their bind mounts died with their namespaces.
  const hostNames = await readdir(paths.hosts).catch(() => []);
  await Promise.all(hostNames.map((name) => rm(hostPaths(dir, name).root, { recursive: true, force: true })));
  for (const file of [
    paths.haproxySocket,
    paths.haproxyPid,
    paths.inventory,
    paths.serviceHosts,
    paths.state,
    join(dir, 'fleet.json.tmp'),
  ]) {
    await rm(file, { force: true });
  }
}
