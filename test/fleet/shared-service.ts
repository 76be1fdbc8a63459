/**
 * The demo service of a large fleet: one node process answering for every
 * host on its address:8080, reading each host's /opt/demo through
 * /proc/<its sshd pid>/root — the host's own mount namespace, so an upgrade
 * over SSH shows at once, as with a service inside the host. One process
 * instead of one per host (~40 MiB each): 300 hosts stay within a few hundred MiB.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { SERVICE_PORT } from './host.js';
import { FLEET_SOURCE_DIR, fleetPaths, hostPaths } from './paths.js';
import { httpGet } from './probe.js';
import type { HostState } from './state.js';
import { waitFor } from './wait.js';

/** Starts the shared service for `hosts` (each already up, its pid its sshd) and waits until every host answers /health. */
export async function startSharedService(dir: string, hosts: readonly HostState[]): Promise<{ pid: number }> {
  const paths = fleetPaths(dir);
  const entries = hosts.map((host) => ({
    name: host.name,
    address: host.address,
    pid: host.pid,
    home: hostPaths(dir, host.name).home,
  }));
  await writeFile(paths.serviceHosts, `${JSON.stringify(entries, null, 1)}\n`);
  const log = openSync(paths.serviceLog, 'a');
  let pid: number | undefined;
  try {
    // Detached like the hosts: the fleet outlives the process that started it, and down kills its group.
    const child = spawn(process.execPath, [join(FLEET_SOURCE_DIR, 'service.js'), '--shared', paths.serviceHosts], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(log);
  }
  if (pid === undefined) throw new Error('the shared demo service did not start');
  const limit = pLimit(32);
  await Promise.all(
    hosts.map((host) =>
      limit(() =>
        waitFor(async () => (await httpGet(`http://${host.address}:${SERVICE_PORT}/health`, 1_000)).status === 200, {
          what: `the shared service to answer for ${host.name}`,
          timeoutMs: 30_000,
          intervalMs: 100,
        }),
      ),
    ),
  );
  return { pid };
}
