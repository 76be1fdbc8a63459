// npm run fleet -- up|down|status [--hosts N] [--dir DIR] [--prefix 127.0.1] [--environment staging] [--sudo-user NAME|none]
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { Fleet } from './fleet.js';
import { DEFAULT_FLEET_DIR, DEFAULT_SUDO_USER, readFleet, serverStatuses, startFleet, stopFleet } from './fleet.js';

const USAGE =
  `usage: npm run fleet -- up|down|status [--hosts N] [--dir DIR] [--prefix 127.0.1] [--environment staging] ` +
  `[--sudo-user NAME|none  (default ${DEFAULT_SUDO_USER})]`;

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function describe(fleet: Fleet): string {
  const first = fleet.hosts[0];
  return [
    `  inventory   ${fleet.inventoryPath}`,
    `  ssh key     ${fleet.identityFile}  (known_hosts: ${fleet.knownHostsPath})`,
    `  haproxy     ${fleet.haproxy.socket}  ${fleet.haproxy.tcpSocket ?? ''}  frontend ${fleet.haproxy.frontendUrl}`,
    `  hosts       ${fleet.hosts.map((host) => `${host.name}=${host.address}`).join(' ')}`,
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

async function status(dir: string): Promise<number> {
  const fleet = await readFleet(dir);
  if (!fleet) {
    console.log(`no fleet running in ${dir}`);
    return 1;
  }
  const [versions, servers] = await Promise.all([
    Promise.all(fleet.hosts.map((host) => fleet.ssh(host.name, "dpkg-query -W -f='${Version}' demo"))),
    serverStatuses(fleet.haproxy.socket).catch((error: Error) => new Map([['*', `unreachable: ${error.message}`]])),
  ]);
  console.log(`fleet in ${dir} (${fleet.environment}, prefix ${fleet.prefix})`);
  console.log(`  ${'HOST'.padEnd(8)}${'ADDRESS'.padEnd(14)}${'DEMO'.padEnd(8)}HAPROXY`);
  fleet.hosts.forEach((host, i) => {
    const result = versions[i];
    const version = result?.code === 0 ? result.stdout.trim() || '-' : `ssh failed (${result?.code})`;
    console.log(
      `  ${host.name.padEnd(8)}${host.address.padEnd(14)}${version.padEnd(8)}${servers.get(host.name) ?? servers.get('*') ?? '?'}`,
    );
  });
  console.log(describe(fleet));
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      hosts: { type: 'string' },
      dir: { type: 'string' },
      prefix: { type: 'string' },
      environment: { type: 'string' },
      'sudo-user': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...extra] = positionals;
  if (values.help || !command || extra.length > 0 || !['up', 'down', 'status'].includes(command)) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const dir = values.dir ?? DEFAULT_FLEET_DIR;
  const started = Date.now();
  if (command === 'up') {
    const hosts = values.hosts === undefined ? undefined : Number(values.hosts);
    // The e2e suite reuses a fleet started here (LIEUTENANT_FLEET_DIR), and its become: sudo test needs the deploy user.
    const sudoUser = values['sudo-user'] ?? DEFAULT_SUDO_USER;
    const fleet = await startFleet({
      dir,
      hosts,
      prefix: values.prefix,
      environment: values.environment,
      log: (line) => console.log(`  ${line}`),
      ...(sudoUser === 'none' ? {} : { sudoUser }),
    });
    console.log(
      `fleet up: ${fleet.hosts.length} hosts in ${seconds(started)} (${relative(process.cwd(), fleet.dir) || '.'})`,
    );
    console.log(describe(fleet));
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
