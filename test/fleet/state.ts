import type { LbHost } from './lb-host.js';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { HostFlavour } from './host.js';
import { fleetPaths } from './paths.js';

export interface HostState {
  name: string;
  address: string;
  /** Absent: apt (states written before RPM hosts existed). */
  packageManager?: HostFlavour;
  /** The host's group leader: unshare → host-init.sh → sshd, one pid throughout. */
  pid: number;
  /** "mnt:[4026532…]", known once the host is up; every process in it belongs to the host. */
  mountNamespace?: string;
}

export interface HaproxyState {
  pid: number;
  socket: string;
  tcpSocket: string;
  frontendUrl: string;
}

/** <dir>/fleet.json: written by up as soon as there is a pid to remember, so even a failed up can be torn down. */
export interface FleetState {
  version: 1;
  dir: string;
  prefix: string;
  environment: string;
  startedAt: string;
  /** See FleetOptions.owner. */
  owner?: number;
  /** See FleetOptions.sudoUser. */
  sudoUser?: string;
  hosts: HostState[];
  haproxy?: HaproxyState;
  /** Load balancer hosts started beside the fleet (lb-host.ts), each HAProxy behind its own sshd. */
  lbHosts?: LbHost[];
  /** The shared demo service of a large fleet (FleetOptions.sharedService); absent: one service per host. */
  service?: { pid: number };
}

export async function readState(dir: string): Promise<FleetState | undefined> {
  try {
    const state = JSON.parse(await readFile(fleetPaths(dir).state, 'utf8')) as FleetState;
    return state.version === 1 ? state : undefined;
  } catch {
    return undefined;
  }
}

/** Written beside and renamed, so a reader never sees half a file. */
export async function writeState(state: FleetState): Promise<void> {
  const path = fleetPaths(state.dir).state;
  await writeFile(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}
