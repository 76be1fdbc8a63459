/**
 * Fixture builder for a normalised Rollout: tests state only what they care
 * about ("a group of 5 apt hosts, batches 50%/50%") and get sane defaults.
 */
import type { AnalysisSettings, ApprovalRules, GroupTarget, Rollout, StrategySettings } from '../spec/model.js';
import { parseQuantity, type Quantity } from '../spec/quantity.js';

export function quantity(value: number | string): Quantity {
  const parsed = parseQuantity(value);
  if (!parsed) throw new Error(`not a quantity: ${value}`);
  return parsed;
}

export interface GroupFixture {
  name?: string;
  hosts: number | string[];
  packages?: Record<string, string>;
  packageManager?: GroupTarget['packageManager'];
  loadBalancers?: string[];
  checks?: GroupTarget['checks'];
  steps?: Partial<GroupTarget['steps']>;
}

export function groupTarget(fixture: GroupFixture): GroupTarget {
  const name = fixture.name ?? 'web';
  const hostNames =
    typeof fixture.hosts === 'number'
      ? Array.from({ length: fixture.hosts }, (_, i) => `${name}-${String(i + 1).padStart(2, '0')}`)
      : fixture.hosts;
  return {
    name,
    packageManager: fixture.packageManager ?? 'apt',
    loadBalancers: fixture.loadBalancers ?? ['edge'],
    hosts: hostNames.map((host, i) => ({ name: host, address: `127.0.1.${11 + i}`, group: name, lbServer: host })),
    checks: fixture.checks ?? [],
    packages: fixture.packages ?? { demo: '1.1' },
    steps: { beforeDrain: [], afterDrain: [], afterInstall: [], afterReturn: [], ...fixture.steps },
  };
}

export interface RolloutFixture {
  groups?: GroupFixture[];
  batches?: Array<number | string>;
  concurrency?: number;
  maxUnavailable?: number | string;
  pause?: StrategySettings['pause'];
  onFailure?: StrategySettings['onFailure'];
  successThreshold?: number;
  become?: Rollout['ssh']['become'];
  analysis?: AnalysisSettings;
  approvals?: Partial<ApprovalRules>;
  runSteps?: Partial<Rollout['runSteps']>;
}

export function rolloutFixture(fixture: RolloutFixture = {}): Rollout {
  const groups = (fixture.groups ?? [{ hosts: 4 }]).map(groupTarget);
  return {
    source: {
      repoDir: '/nonexistent/rollout-repo',
      commit: { sha: 'c0ffee0000000000000000000000000000000000', subject: 'Release demo 1.1' },
      playbookPath: 'playbooks/web.yaml',
      inventoryPath: 'inventories/staging.yaml',
    },
    rollout: 'web',
    environment: 'staging',
    ssh: {
      user: 'root',
      port: 22,
      identityFile: undefined,
      knownHosts: '/nonexistent/known_hosts',
      hostKeyPolicy: 'strict',
      become: fixture.become ?? 'none',
      connectTimeoutMs: 10_000,
      commandTimeoutMs: 600_000,
      keepaliveIntervalMs: 5_000,
      maxHandshakes: 10,
    },
    loadBalancers: {
      edge: {
        name: 'edge',
        type: 'haproxy',
        endpoint: { path: '/run/haproxy/admin.sock' },
        backend: 'app',
        maxConnections: 3,
      },
    },
    groups,
    strategy: {
      batches: (fixture.batches ?? ['50%', '50%']).map(quantity),
      concurrency: fixture.concurrency ?? 10,
      maxUnavailable: quantity(fixture.maxUnavailable ?? '50%'),
      pause: fixture.pause ?? { kind: 'none' },
      onFailure: fixture.onFailure ?? 'rollback',
    },
    health: { intervalMs: 1_000, timeoutMs: 60_000, successThreshold: fixture.successThreshold ?? 1 },
    drain: { timeoutMs: 30_000 },
    freeze: [],
    analysis: fixture.analysis,
    notifications: [],
    approvals: { required: 1, distinctFromAuthor: false, ...fixture.approvals },
    runSteps: { before: [], after: [], ...fixture.runSteps },
  };
}

/** Every host of the rollout on the same installed versions. */
export function allOn(
  rollout: Rollout,
  versions: Record<string, string | null>,
): Record<string, Record<string, string | null>> {
  return Object.fromEntries(rollout.groups.flatMap((g) => g.hosts).map((h) => [h.name, { ...versions }]));
}
