import { runCommand } from './exec.js';
import { BACKEND, haproxyCommand } from './haproxy.js';
import { RPM_GROUPS, fleetPaths, haproxyAddress } from './paths.js';
import type { FleetState } from './state.js';
import { stopFleet } from './stop.js';
import type { Fleet } from './types.js';

/** Options for the system ssh client: this fleet's key and known_hosts only, nothing from ~/.ssh. */
export function sshArguments(fleet: Pick<Fleet, 'identityFile' | 'knownHostsPath'>, user = 'root'): string[] {
  return [
    '-F',
    '/dev/null',
    '-i',
    fleet.identityFile,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'IdentityAgent=none',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${fleet.knownHostsPath}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'ConnectTimeout=5',
    '-o',
    'LogLevel=ERROR',
    '-p',
    '22',
    '-l',
    user,
  ];
}

/** The Fleet handle for a state file: paths, hosts, and methods bound to them. */
export function fleetFromState(state: FleetState): Fleet {
  const paths = fleetPaths(state.dir);
  const haproxy = state.haproxy ?? {
    socket: paths.haproxySocket,
    tcpSocket: `tcp://${haproxyAddress(state.prefix)}:9999`,
    frontendUrl: `http://${haproxyAddress(state.prefix)}:8080`,
  };
  const hosts = state.hosts.map(({ name, address, pid, packageManager = 'apt' }) => ({
    name,
    address,
    pid,
    packageManager,
    group: packageManager === 'apt' ? 'web' : RPM_GROUPS[packageManager],
  }));
  const fleet: Fleet = {
    dir: state.dir,
    prefix: state.prefix,
    environment: state.environment,
    hosts: hosts.filter((host) => host.packageManager === 'apt'),
    rpmHosts: hosts.filter((host) => host.packageManager !== 'apt'),
    inventoryPath: paths.inventory,
    identityFile: paths.identityFile,
    knownHostsPath: paths.knownHosts,
    haproxy: {
      socket: haproxy.socket,
      tcpSocket: haproxy.tcpSocket,
      frontendUrl: haproxy.frontendUrl,
      backend: BACKEND,
    },
    ...(state.sudoUser ? { sudoUser: state.sudoUser } : {}),
    ssh(host, command, options = {}) {
      const target = state.hosts.find((candidate) => candidate.name === host || candidate.address === host);
      if (!target) return Promise.reject(new Error(`no host ${host} in the fleet at ${state.dir}`));
      return runCommand('ssh', [...sshArguments(fleet, options.user), target.address, command], { timeoutMs: 180_000 });
    },
    haproxyCommand: (command) => haproxyCommand(haproxy.socket, command),
    down: () => stopFleet(state.dir),
  };
  return fleet;
}
