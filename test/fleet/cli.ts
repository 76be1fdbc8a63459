// npm run fleet -- up|down|status [--hosts N] [--dnf N] [--zypper N] [--dir DIR] [--prefix 127.0.1] [--environment staging] [--sudo-user NAME|none] [--service shared|per-host]
import { relative } from 'node:path';
import { describeMemory, measureFleetMemory } from './memory.js';
import { parseArgs } from 'node:util';
import type { Fleet, HostFlavour } from './fleet.js';
import {
  DEFAULT_FLEET_DIR,
  DEFAULT_SUDO_USER,
  SHARED_SERVICE_ABOVE,
  readFleet,
  serverStatuses,
  startFleet,
  stopFleet,
} from './fleet.js';

const USAGE =
  `usage: npm run fleet -- up|down|status [--hosts N (Debian, apt)] [--dnf N] [--zypper N] [--dir DIR] [--prefix 127.0.1] [--environment staging] ` +
  `[--sudo-user NAME|none  (default ${DEFAULT_SUDO_USER})] [--service shared|per-host  (default: shared above ${SHARED_SERVICE_ABOVE} hosts)]`;

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** Every host of a small fleet; the first and last few of a large one. */
function hostList(hosts: ReadonlyArray<{ name: string; address: string }>): string {
  const shown = (list: typeof hosts) => list.map((host) => `${host.name}=${host.address}`).join(' ');
  return hosts.length <= 12
    ? shown(hosts)
    : `${shown(hosts.slice(0, 4))} … ${shown(hosts.slice(-4))} (${hosts.length} hosts)`;
}

async function fleetMemory(fleet: Fleet): Promise<string> {
  return describeMemory(await measureFleetMemory(fleet.dir), fleet.hosts.length + fleet.rpmHosts.length);
}

function describe(fleet: Fleet): string {
  const first = fleet.hosts[0];
  return [
    `  inventory   ${fleet.inventoryPath}`,
    `  ssh key     ${fleet.identityFile}  (known_hosts: ${fleet.knownHostsPath})`,
    `  haproxy     ${fleet.haproxy.socket}  ${fleet.haproxy.tcpSocket ?? ''}  frontend ${fleet.haproxy.frontendUrl}`,
    `  hosts       ${hostList([...fleet.hosts, ...fleet.rpmHosts])}`,
    first
      ? `  try         ssh -i ${fleet.identityFile} -o UserKnownHostsFile=${fleet.knownHostsPath} root@${first.address} hostname`
      : '',
    first && fleet.sudoUser
      ? `  deploy user ${fleet.sudoUser} (passwordless sudo, for become: sudo): ssh … ${fleet.sudoUser}@${first.address} sudo -n id -un`
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}

const RPM_VERSION = "rpm -q --qf '%{EPOCH}:%{VERSION}-%{RELEASE}' demo | sed 's/^(none)://'";
const VERSION_QUERY: Record<HostFlavour, string> = {
  apt: "dpkg-query -W -f='${Version}' demo",
  dnf: RPM_VERSION,
  zypper: RPM_VERSION,
};

async function status(dir: string): Promise<number> {
  const fleet = await readFleet(dir);
  if (!fleet) {
    console.log(`no fleet running in ${dir}`);
    return 1;
  }
  const hosts = [...fleet.hosts, ...fleet.rpmHosts];
  const [versions, servers] = await Promise.all([
    Promise.all(hosts.map((host) => fleet.ssh(host.name, VERSION_QUERY[host.packageManager]))),
    serverStatuses(fleet.haproxy.socket).catch((error: Error) => new Map([['*', `unreachable: ${error.message}`]])),
  ]);
  console.log(`fleet in ${dir} (${fleet.environment}, prefix ${fleet.prefix})`);
  console.log(`  ${'HOST'.padEnd(10)}${'ADDRESS'.padEnd(14)}${'MANAGER'.padEnd(8)}${'DEMO'.padEnd(10)}HAPROXY`);
  hosts.forEach((host, i) => {
    const result = versions[i];
    const version = result?.code === 0 ? result.stdout.trim() || '-' : `ssh failed (${result?.code})`;
    console.log(
      `  ${host.name.padEnd(10)}${host.address.padEnd(14)}${host.packageManager.padEnd(8)}${version.padEnd(10)}${servers.get(host.name) ?? servers.get('*') ?? '?'}`,
    );
  });
  console.log(describe(fleet));
  console.log(`  memory      ${await fleetMemory(fleet)}`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      hosts: { type: 'string' },
      dnf: { type: 'string' },
      zypper: { type: 'string' },
      dir: { type: 'string' },
      prefix: { type: 'string' },
      environment: { type: 'string' },
      'sudo-user': { type: 'string' },
      service: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...extra] = positionals;
  const service = values.service;
  if (
    values.help ||
    !command ||
    extra.length > 0 ||
    !['up', 'down', 'status'].includes(command) ||
    (service !== undefined && service !== 'shared' && service !== 'per-host')
  ) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const dir = values.dir ?? DEFAULT_FLEET_DIR;
  const started = Date.now();
  if (command === 'up') {
    const count = (value: string | undefined) => (value === undefined ? undefined : Number(value));
    // The e2e suite reuses a fleet started here (LIEUTENANT_FLEET_DIR), and its become: sudo test needs the deploy user.
    const sudoUser = values['sudo-user'] ?? DEFAULT_SUDO_USER;
    const fleet = await startFleet({
      dir,
      hosts: count(values.hosts),
      dnfHosts: count(values.dnf),
      zypperHosts: count(values.zypper),
      prefix: values.prefix,
      environment: values.environment,
      log: (line) => console.log(`  ${line}`),
      ...(sudoUser === 'none' ? {} : { sudoUser }),
      ...(service === undefined ? {} : { sharedService: service === 'shared' }),
    });
    console.log(
      `fleet up: ${fleet.hosts.length + fleet.rpmHosts.length} hosts in ${seconds(started)} (${relative(process.cwd(), fleet.dir) || '.'})`,
    );
    console.log(describe(fleet));
    console.log(`  memory      ${await fleetMemory(fleet)}`);
    console.log(`  stop with   npm run fleet -- down${values.dir ? ` --dir ${values.dir}` : ''}`);
    return 0;
  }
  if (command === 'down') {
    await stopFleet(dir);
    console.log(`fleet down: ${dir} in ${seconds(started)}, nothing left running`);
    return 0;
  }
  return status(dir);
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`fleet: ${error.message}`);
    process.exitCode = 1;
  },
);
