import { describe, expect, it } from 'vitest';
import type { Rollout } from './model.js';
import { normaliseRollout, resolvePath } from './normalise.js';
import { Inventory, Playbook } from './schema.js';

const source = {
  repoDir: '/srv/rollouts',
  commit: { sha: 'a'.repeat(40), subject: 'Release' },
  playbookPath: 'playbooks/web.yaml',
  inventoryPath: 'inventories/prod.yaml',
};
const baseInventory = {
  environment: 'prod',
  loadBalancers: {
    edge: { type: 'haproxy', socket: '/run/haproxy.sock', backend: 'app' },
    inner: { type: 'haproxy', socket: 'tcp://127.0.0.1:9999', backend: 'api', maxConnections: 8 },
  },
  groups: {
    web: {
      packageManager: 'apt',
      loadBalancer: 'edge',
      hosts: { 'web-02': { address: '10.0.0.2' }, 'web-01': { address: '10.0.0.1', lbServer: 'w1' } },
    },
    api: {
      packageManager: 'dnf',
      loadBalancer: ['edge', 'inner'],
      hosts: { 'api-01': { address: 'api-01.internal' } },
      health: [{ command: { argv: ['systemctl', 'is-active', 'api'] } }],
    },
    db: { packageManager: 'yum', hosts: { 'db-01': { address: '10.0.0.9' } } },
  },
};
const basePlaybook = {
  rollout: 'web',
  inventory: 'prod',
  targets: { api: { packages: { api: '2.0-1' } }, web: { packages: { demo: '1.1', nginx: '1.24' } } },
};

function normalise(playbook: object, inventory: object = {}): Rollout {
  return normaliseRollout(
    Playbook.parse({ ...basePlaybook, ...playbook }),
    Inventory.parse({ ...baseInventory, ...inventory }),
    source,
    { homeDir: '/home/op' },
  );
}

describe('normaliseRollout', () => {
  const cases: {
    name: string;
    playbook?: object;
    inventory?: object;
    pick: (rollout: Rollout) => unknown;
    expected: unknown;
  }[] = [
    {
      name: 'groups in targets order, only the targeted ones',
      pick: (r) => r.groups.map((g) => g.name),
      expected: ['api', 'web'],
    },
    {
      name: 'hosts in inventory order',
      pick: (r) => r.groups[1]?.hosts.map((h) => h.name),
      expected: ['web-02', 'web-01'],
    },
    {
      name: 'lbServer defaults to the host name',
      pick: (r) => r.groups[1]?.hosts.map((h) => h.lbServer),
      expected: ['web-02', 'w1'],
    },
    {
      name: 'a single loadBalancer becomes a list',
      pick: (r) => r.groups.map((g) => g.loadBalancers),
      expected: [['edge', 'inner'], ['edge']],
    },
    {
      name: 'no loadBalancer is an empty list',
      playbook: { targets: { db: { packages: { postgresql: '15' } } } },
      pick: (r) => r.groups[0]?.loadBalancers,
      expected: [],
    },
    {
      name: 'packages of each group as set',
      pick: (r) => r.groups.map((g) => g.packages),
      expected: [{ api: '2.0-1' }, { demo: '1.1', nginx: '1.24' }],
    },
    {
      name: 'unix socket and tcp endpoints',
      pick: (r) => [r.loadBalancers.edge?.endpoint, r.loadBalancers.inner?.endpoint],
      expected: [{ path: '/run/haproxy.sock' }, { host: '127.0.0.1', port: 9999 }],
    },
    {
      name: 'runtime-API connections: 3 unless set',
      pick: (r) => [r.loadBalancers.edge?.maxConnections, r.loadBalancers.inner?.maxConnections],
      expected: [3, 8],
    },
    {
      name: 'a command check with its defaults',
      pick: (r) => r.groups[0]?.checks,
      expected: [
        {
          kind: 'command',
          argv: ['systemctl', 'is-active', 'api'],
          exitCode: 0,
          stdoutContains: undefined,
          timeoutMs: 30_000,
        },
      ],
    },
    {
      name: 'a batch count alone is a one-element list',
      playbook: { strategy: { batches: 1 } },
      pick: (r) => r.strategy.batches,
      expected: [{ kind: 'count', count: 1 }],
    },
    {
      name: 'mixed batch list',
      playbook: { strategy: { batches: [1, '25%', '100%'] } },
      pick: (r) => r.strategy.batches,
      expected: [
        { kind: 'count', count: 1 },
        { kind: 'percent', percent: 25 },
        { kind: 'percent', percent: 100 },
      ],
    },
    {
      name: 'defaults: all at once, one unavailable, no pause, rollback',
      pick: (r) => r.strategy,
      expected: {
        batches: [{ kind: 'percent', percent: 100 }],
        concurrency: 1,
        maxUnavailable: { kind: 'count', count: 1 },
        pause: { kind: 'none' },
        onFailure: 'rollback',
      },
    },
    {
      name: 'a timed pause',
      playbook: { strategy: { pause: '5m' } },
      pick: (r) => r.strategy.pause,
      expected: { kind: 'timed', ms: 300_000 },
    },
    {
      name: 'pause: approve',
      playbook: { strategy: { pause: 'approve', onFailure: 'halt' } },
      pick: (r) => [r.strategy.pause, r.strategy.onFailure],
      expected: [{ kind: 'approve' }, 'halt'],
    },
    {
      name: 'health and drain in milliseconds',
      playbook: { health: { interval: '500ms', timeout: '2m', successThreshold: 3 }, drain: { timeout: '1h' } },
      pick: (r) => [r.health, r.drain],
      expected: [{ intervalMs: 500, timeoutMs: 120_000, successThreshold: 3 }, { timeoutMs: 3_600_000 }],
    },
    {
      name: 'ssh defaults: agent, ~/.ssh/known_hosts, strict',
      pick: (r) => r.ssh,
      expected: {
        user: 'root',
        port: 22,
        identityFile: undefined,
        knownHosts: '/home/op/.ssh/known_hosts',
        hostKeyPolicy: 'strict',
        become: 'none',
        connectTimeoutMs: 10_000,
        commandTimeoutMs: 600_000,
        keepaliveIntervalMs: 5_000,
        maxHandshakes: 10,
      },
    },
    {
      name: 'ssh paths relative to the repo, ~ expanded',
      inventory: {
        ssh: {
          user: 'deploy',
          identityFile: './keys/id',
          knownHosts: '~/kh',
          become: 'sudo',
          hostKeyPolicy: 'accept-new',
        },
      },
      pick: (r) => [r.ssh.identityFile, r.ssh.knownHosts, r.ssh.become, r.ssh.hostKeyPolicy],
      expected: ['/srv/rollouts/keys/id', '/home/op/kh', 'sudo', 'accept-new'],
    },
    {
      name: 'names and source carried through',
      pick: (r) => [r.rollout, r.environment, r.source],
      expected: ['web', 'prod', source],
    },
  ];

  it.each(cases)('$name', ({ playbook, inventory, pick, expected }) => {
    // Given a valid playbook and inventory; When normalised; Then
    expect(pick(normalise(playbook ?? {}, inventory))).toEqual(expected);
  });

  it('resolves paths: absolute kept, ~ and ~/x from home, others from the repo', () => {
    expect(['/etc/k', '~', '~/k', 'k', '../k'].map((path) => resolvePath(path, '/srv/r', '/home/op'))).toEqual([
      '/etc/k',
      '/home/op',
      '/home/op/k',
      '/srv/r/k',
      '/srv/k',
    ]);
  });
});
