/**
 * docs/safety.md: "Unknown or changed SSH host keys are refused (an unknown
 * one is accepted only under `hostKeyPolicy: accept-new`)" — against the fleet's real sshd host keys,
 * through the CLI, with the known_hosts file the inventory names.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INITIAL_VERSION } from '../fleet/fleet.js';
import { allOn, installedVersions } from './support/fleet-state.js';
import { hostNames, useFreshFleet } from './support/given-fleet.js';
import { journals, runLieutenant } from './support/lieutenant.js';
import { commitVersion } from './support/rollout-repo.js';
import { describeWatched, watchFleet } from './support/watch.js';

const given = useFreshFleet();

/** address → "ssh-ed25519 AAAA…" of the Debian hosts (the repo's inventory) from the fleet's own known_hosts (written from the hosts' key files). */
async function fleetHostKeys(): Promise<Map<string, string>> {
  const addresses = new Set(given.fleet.hosts.map((host) => host.address));
  const lines = (await readFile(given.fleet.knownHostsPath, 'utf8'))
    .split('\n')
    .filter((line) => addresses.has(line.split(/\s+/)[0] ?? ''));
  return new Map(
    lines.map((line) => {
      const [address = '', type = '', key = ''] = line.split(/\s+/);
      return [address, `${type} ${key}`];
    }),
  );
}

describe('host keys against the fleet', () => {
  it('given an empty known_hosts and the strict policy, when run, then exit 2 before any drain, naming every host', async () => {
    // Given
    const repo = await given.repo({ knownHosts: '' });
    await commitVersion(repo, '1.1');

    // When
    const watch = watchFleet(given.fleet);
    const run = await runLieutenant(['run', 'web', '--yes'], { repo });
    const watched = await watch.stop();

    // Then
    expect(run.code, run.output).toBe(2);
    for (const host of given.fleet.hosts)
      expect(run.stderr).toContain(`${host.name} (${host.address}): host key not in ${repo.knownHostsPath}`);
    expect(run.stderr).toMatch(/nothing was changed on any host/);
    expect(watched.rotation.maxOut, describeWatched(watched)).toBe(0);
    expect(await journals(repo)).toEqual([]);
    expect(await readFile(repo.knownHostsPath, 'utf8')).toBe('');
    expect(await installedVersions(given.fleet)).toEqual(allOn(hostNames(given.fleet), INITIAL_VERSION));
  });

  it("given an empty known_hosts and accept-new, when planned, then it succeeds and the file pins each host's real key, which strict then trusts", async () => {
    // Given
    const repo = await given.repo({ knownHosts: '', hostKeyPolicy: 'accept-new' });
    await commitVersion(repo, '1.1');

    // When
    const plan = await runLieutenant(['plan', 'web'], { repo });

    // Then
    expect(plan.code, plan.output).toBe(0);
    const pinned = (await readFile(repo.knownHostsPath, 'utf8'))
      .split('\n')
      .filter((line) => line.trim() !== '')
      .sort();
    const expected = [...(await fleetHostKeys())].map(([address, key]) => `${address} ${key}`).sort();
    expect(pinned).toEqual(expected);

    // And: the pinned file is what a strict inventory needs.
    const inventory = join(repo.dir, 'inventories', 'staging.yaml');
    const text = await readFile(inventory, 'utf8');
    expect(text).toContain('hostKeyPolicy: accept-new');
    await writeFile(inventory, text.replace('hostKeyPolicy: accept-new', 'hostKeyPolicy: strict'));
    await repo.git('commit', '-q', '-am', 'Pin host keys: strict from now on');
    const strict = await runLieutenant(['plan', 'web'], { repo });
    expect(strict.code, strict.output).toBe(0);
  });

  it('given a known_hosts with a wrong key for one host, when run with accept-new, then it is refused naming that host, before any drain', async () => {
    // Given: web-03's line carries web-04's key — what a man in the middle would present.
    const keys = await fleetHostKeys();
    const [, , third, fourth] = given.fleet.hosts;
    if (!third || !fourth) throw new Error('the fleet needs 4 hosts');
    const lines = given.fleet.hosts.map(
      (host) => `${host.address} ${host === third ? keys.get(fourth.address) : keys.get(host.address)}`,
    );
    const repo = await given.repo({ knownHosts: `${lines.join('\n')}\n`, hostKeyPolicy: 'accept-new' });
    await commitVersion(repo, '1.1');
    const before = await readFile(repo.knownHostsPath, 'utf8');

    // When
    const watch = watchFleet(given.fleet);
    const run = await runLieutenant(['run', 'web', '--yes'], { repo });
    const watched = await watch.stop();

    // Then
    expect(run.code, run.output).toBe(2);
    expect(run.stderr).toContain(`${third.name} (${third.address}): HOST KEY CHANGED`);
    expect(run.stderr.split('\n').filter((line) => line.includes('HOST KEY'))).toHaveLength(1);
    expect(watched.rotation.maxOut, describeWatched(watched)).toBe(0);
    expect(await readFile(repo.knownHostsPath, 'utf8')).toBe(before);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hostNames(given.fleet), INITIAL_VERSION));
  });
});
