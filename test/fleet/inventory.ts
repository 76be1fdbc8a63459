import { writeFile } from 'node:fs/promises';
import type { YAMLSeq } from 'yaml';
import { Document, YAMLMap } from 'yaml';
import type { HostSpec } from './host.js';
import { RPM_GROUPS } from './paths.js';

export interface InventoryParams {
  environment: string;
  hosts: readonly HostSpec[];
  identityFile: string;
  knownHosts: string;
  socket: string;
  backend: string;
}

const groupOf = (host: HostSpec) =>
  (host.packageManager ?? 'apt') === 'apt' ? 'web' : RPM_GROUPS[host.packageManager as 'dnf' | 'zypper'];

/**
 * The fleet as an inventory (docs/rollout-repo.md): group `web` on apt behind load balancer
 * `edge` — and, when the fleet has RPM hosts, group `fedora` on dnf and `suse`
 * on zypper behind the same one —, key and known_hosts as absolute paths into
 * the fleet dir, so the file works from any rollout repo it is copied into.
 */
export function inventoryYaml(params: InventoryParams): string {
  const groups: Record<string, unknown> = {};
  for (const host of params.hosts) {
    const name = groupOf(host);
    const group = (groups[name] ??= {
      packageManager: host.packageManager ?? 'apt',
      loadBalancer: 'edge',
      hosts: {},
      health: [
        { http: { url: 'http://{{host.address}}:8080/health', status: 200, bodyContains: '{{packages.demo}}' } },
        { tcp: { port: 22 } },
      ],
    }) as { hosts: Record<string, unknown> };
    group.hosts[host.name] = { address: host.address };
  }
  const doc = new Document({
    environment: params.environment,
    ssh: {
      user: 'root',
      port: 22,
      identityFile: params.identityFile,
      knownHosts: params.knownHosts,
      hostKeyPolicy: 'strict',
      become: 'none',
    },
    loadBalancers: {
      edge: { type: 'haproxy', socket: params.socket, backend: params.backend },
    },
    groups,
  });
  // One line per host and per check, as in docs/rollout-repo.md's example.
  doc.commentBefore = ' The local test fleet (test/fleet): written by `npm run fleet -- up`; rewritten at every up.';
  for (const name of Object.keys(groups)) {
    const group = doc.getIn(['groups', name]) as YAMLMap;
    for (const item of (group.get('hosts') as YAMLMap).items) if (item.value instanceof YAMLMap) item.value.flow = true;
    for (const check of (group.get('health') as YAMLSeq).items) {
      if (check instanceof YAMLMap)
        for (const pair of check.items) if (pair.value instanceof YAMLMap) pair.value.flow = true;
    }
  }
  return doc.toString({ lineWidth: 0 });
}

export async function writeInventory(path: string, params: InventoryParams): Promise<void> {
  await writeFile(path, inventoryYaml(params));
}
