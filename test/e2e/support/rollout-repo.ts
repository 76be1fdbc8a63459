/**
 * Throwaway rollout repos on the real fleet: a temporary Git repo holding the
 * fleet's inventory (optionally a subset of its hosts, another known_hosts,
 * another host-key policy) and a `web` playbook tuned for fast tests, with
 * demo pinned to what the fleet runs. A release is then one more commit,
 * as docs/gitops.md says: `commitVersion(repo, '1.1')`.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { runChecked } from '../../fleet/exec.js';
import { INITIAL_VERSION } from '../../fleet/fleet.js';
import type { Fleet } from '../../fleet/fleet.js';

export interface PlaybookOverrides {
  strategy?: {
    batches?: Array<number | string> | number | string;
    concurrency?: number;
    maxUnavailable?: number | string;
    pause?: string;
    onFailure?: 'rollback' | 'halt';
  };
  health?: { interval?: string; timeout?: string; successThreshold?: number };
  drain?: { timeout?: string };
  /** The playbook's `analysis`, as YAML would hold it. */
  analysis?: Record<string, unknown>;
}

export interface RolloutRepoOptions {
  playbook?: PlaybookOverrides;
  /** Names of the fleet's hosts the inventory lists (default: all of them). */
  hosts?: string[];
  /** Contents of the repo's own `known_hosts` (the inventory then points at `./known_hosts`); default: the fleet's file. */
  knownHosts?: string;
  hostKeyPolicy?: 'strict' | 'accept-new';
  /**
   * Groups of the fleet's inventory the repo keeps, each a target of the `web`
   * playbook (default: `web`, the Debian hosts); `['web', 'fedora', 'suse']`
   * adds the RPM hosts (test/fleet README). `hosts` then picks from all of them.
   */
  groups?: string[];
  /** The inventory's `notifications`, as YAML would hold them. */
  notifications?: unknown[];
}

export interface RolloutRepo {
  dir: string;
  playbookPath: string;
  /** Absolute path of the known_hosts file the inventory names. */
  knownHostsPath: string;
  git(...args: string[]): Promise<string>;
  remove(): Promise<void>;
}

/** Fast gates for tests: a healthy host passes in ~0.4 s, a drain never waits long. */
export const FAST_PLAYBOOK = {
  strategy: { batches: ['50%', '50%'], concurrency: 10, maxUnavailable: '50%', pause: 'none', onFailure: 'rollback' },
  health: { interval: '200ms', timeout: '20s', successThreshold: 2 },
  drain: { timeout: '5s' },
} as const;

function playbookDocument(overrides: PlaybookOverrides, demo: string, groups: readonly string[] = ['web']) {
  return {
    rollout: 'web',
    inventory: 'staging',
    targets: Object.fromEntries(groups.map((group) => [group, { packages: { demo } as Record<string, string> }])),
    strategy: { ...FAST_PLAYBOOK.strategy, ...overrides.strategy },
    health: { ...FAST_PLAYBOOK.health, ...overrides.health },
    drain: { ...FAST_PLAYBOOK.drain, ...overrides.drain },
    ...(overrides.analysis ? { analysis: overrides.analysis } : {}),
  };
}

interface InventoryDoc {
  ssh: Record<string, unknown>;
  notifications?: unknown[];
  groups: Record<string, { hosts: Record<string, unknown> }>;
}

async function inventoryFor(fleet: Fleet, options: RolloutRepoOptions): Promise<string> {
  const inventory = parse(await readFile(fleet.inventoryPath, 'utf8')) as InventoryDoc;
  const groups = options.groups ?? ['web'];
  const missing = groups.filter((group) => !(group in inventory.groups));
  if (missing.length > 0) throw new Error(`the fleet has no group ${missing.join(', ')} (RPM hosts: --dnf/--zypper)`);
  inventory.groups = Object.fromEntries(groups.map((group) => [group, inventory.groups[group] ?? { hosts: {} }]));
  if (options.hosts) {
    const wanted = options.hosts;
    const all = Object.assign({}, ...Object.values(inventory.groups).map((group) => group.hosts)) as Record<
      string,
      unknown
    >;
    const unknown = wanted.filter((name) => !(name in all));
    if (unknown.length > 0) throw new Error(`no such fleet hosts: ${unknown.join(', ')}`);
    for (const group of Object.values(inventory.groups))
      group.hosts = Object.fromEntries(Object.entries(group.hosts).filter(([name]) => wanted.includes(name)));
  }
  if (options.knownHosts !== undefined) inventory.ssh.knownHosts = './known_hosts';
  if (options.hostKeyPolicy) inventory.ssh.hostKeyPolicy = options.hostKeyPolicy;
  if (options.notifications) inventory.notifications = options.notifications;
  return stringify(inventory, { lineWidth: 0 });
}

export async function makeRolloutRepo(fleet: Fleet, options: RolloutRepoOptions = {}): Promise<RolloutRepo> {
  const dir = await mkdtemp(join(tmpdir(), 'lieutenant-e2e-'));
  const git = (...args: string[]) => runChecked('git', args, { cwd: dir });
  const playbookPath = join(dir, 'playbooks', 'web.yaml');
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.name', 'E2E Operator');
  await git('config', 'user.email', 'e2e@lieutenant.invalid');
  await mkdir(join(dir, 'inventories'));
  await mkdir(join(dir, 'playbooks'));
  await writeFile(join(dir, 'inventories', 'staging.yaml'), await inventoryFor(fleet, options));
  await writeFile(playbookPath, stringify(playbookDocument(options.playbook ?? {}, INITIAL_VERSION, options.groups)));
  // known_hosts is operator state (accept-new appends to it), like .lieutenant/: kept out of the commits.
  await writeFile(join(dir, '.gitignore'), '.lieutenant/\nknown_hosts\n');
  const knownHostsPath = options.knownHosts === undefined ? fleet.knownHostsPath : join(dir, 'known_hosts');
  if (options.knownHosts !== undefined) await writeFile(knownHostsPath, options.knownHosts, { mode: 0o600 });
  await git('add', '.');
  await git('commit', '-q', '-m', `Pin demo ${INITIAL_VERSION}, what the fleet runs`);
  return { dir, playbookPath, knownHostsPath, git, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Commits a release of `demo` (and optionally other playbook changes): "Release demo X". Returns the commit sha. */
export async function commitVersion(
  repo: RolloutRepo,
  version: string,
  overrides?: PlaybookOverrides,
): Promise<string> {
  return commitPackages(repo, { demo: version }, overrides);
}

/**
 * Commits a release of these packages (others keep their pins): "Release demo 1.2, demo-addon 1.0", to every
 * target group, or to `groups` only. Returns the commit sha.
 */
export async function commitPackages(
  repo: RolloutRepo,
  packages: Record<string, string>,
  overrides?: PlaybookOverrides,
  groups?: readonly string[],
): Promise<string> {
  const current = parse(await readFile(repo.playbookPath, 'utf8')) as ReturnType<typeof playbookDocument>;
  for (const [group, target] of Object.entries(current.targets))
    if (!groups || groups.includes(group)) target.packages = { ...target.packages, ...packages };
  if (overrides) {
    current.strategy = { ...current.strategy, ...overrides.strategy };
    current.health = { ...current.health, ...overrides.health };
    current.drain = { ...current.drain, ...overrides.drain };
  }
  await writeFile(repo.playbookPath, stringify(current));
  const named = Object.entries(packages).map(([name, version]) => `${name} ${version}`);
  await repo.git('commit', '-q', '-am', `Release ${named.join(', ')}`);
  return (await repo.git('rev-parse', 'HEAD')).trim();
}
