/**
 * Freeze windows against the real fleet: inside a window `run` refuses (exit
 * 5, the reason, nothing changed on any host); `--override-freeze --reason`
 * runs, and the journal records who overrode it and why; `revert --run` — a
 * rollback — goes through; `status` says the environment is frozen.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { INITIAL_VERSION } from '../fleet/fleet.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { runLieutenantProcess } from './support/lieutenant-process.js';
import { commitVersion, type RolloutRepo } from './support/rollout-repo.js';

const given = useFreshFleet();
let hosts: string[];
let repo: RolloutRepo;

/** A dated window around now, in Berlin time: open for the whole test. */
async function freezeNow(allowRollback: boolean): Promise<void> {
  const path = join(repo.dir, 'inventories/staging.yaml');
  const inventory = parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  inventory.freeze = [
    { reason: 'change freeze: launch week', from: day(-1), to: day(1), timeZone: 'Europe/Berlin', allowRollback },
  ];
  await writeFile(path, stringify(inventory, { lineWidth: 0 }));
  await repo.git('commit', '-q', '-am', 'Freeze for launch week');
}

async function journals(): Promise<Array<Array<Record<string, unknown>>>> {
  const dir = join(repo.dir, '.lieutenant/runs');
  const files = (await readdir(dir)).filter((name) => name.endsWith('.jsonl')).sort();
  return Promise.all(
    files.map(async (name) =>
      (await readFile(join(dir, name), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    ),
  );
}

beforeEach(async () => {
  hosts = hostNames(given.fleet);
  repo = await given.repo();
});

describe('freeze windows against the fleet', () => {
  it('given a release inside a window, run refuses (exit 5) and changes nothing; with --override-freeze --reason it runs and the journal says who and why; revert --run then rolls back', async () => {
    // Given a freeze window open now, and demo 1.1 committed after it
    await freezeNow(true);
    await commitVersion(repo, '1.1');

    // When the release is run, Then it is refused with the reason and no host changed
    const refused = await runLieutenantProcess(['run', 'web', '--yes'], { repo });
    expect(refused.code, refused.output).toBe(5);
    expect(refused.stderr).toMatch(
      /lieutenant: staging is frozen until .* Europe\/Berlin \(.*\): change freeze: launch week; nothing was changed/,
    );
    expect(refused.stderr).toContain('--override-freeze --reason TEXT');
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));

    // And status says the environment is frozen
    const status = await runLieutenantProcess(['status'], { repo });
    expect(status.stdout).toMatch(
      / {2}frozen until .*: change freeze: launch week \(.* Europe\/Berlin; rollbacks allowed\)/,
    );

    // When it is run with an override and a reason
    const overridden = await runLieutenantProcess(
      ['run', 'web', '--yes', '--override-freeze', '--reason', 'security fix CVE-2026-0001'],
      { repo },
    );
    // Then it runs, says so, and its journal records the override: who, why, which window
    expect(overridden.code, overridden.output).toBe(0);
    expect(overridden.stderr).toContain('freeze overridden by E2E Operator: security fix CVE-2026-0001');
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
    const [journal] = await journals();
    const started = journal?.find((event) => event.type === 'run.started') as { plan?: { freeze?: unknown } };
    expect(started.plan?.freeze).toMatchObject({
      allowed: 'override',
      by: 'E2E Operator',
      reason: 'security fix CVE-2026-0001',
      windowReason: 'change freeze: launch week',
    });

    // When the release is reverted with --run inside the same window, Then the rollback goes through
    const revert = await runLieutenantProcess(['revert', '--run', '--yes'], { repo });
    expect(revert.code, revert.output).toBe(0);
    expect(revert.stderr).toContain('a rollback to the deployed commit is allowed');
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));
  });

  it('given a window with allowRollback: false, revert --run is refused (exit 5) before the revert is committed', async () => {
    await commitVersion(repo, '1.1');
    const released = await runLieutenantProcess(['run', 'web', '--yes'], { repo });
    expect(released.code, released.output).toBe(0);
    await freezeNow(false);
    // The freeze commit changed the inventory after the release; revert the release itself
    const release = (await repo.git('rev-parse', 'HEAD~1')).trim();
    const head = (await repo.git('rev-parse', 'HEAD')).trim();
    const revert = await runLieutenantProcess(['revert', release, '--run', '--yes'], { repo });
    expect(revert.code, revert.output).toBe(5);
    expect(revert.stderr).toContain('this window allows no rollback either (allowRollback: false)');
    expect((await repo.git('rev-parse', 'HEAD')).trim()).toBe(head);
    expect(await repo.git('status', '--porcelain')).toBe('');
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
    // Without --run the revert is only a commit, which a freeze does not stop
    const commitOnly = await runLieutenantProcess(['revert', release], { repo });
    expect(commitOnly.code, commitOnly.output).toBe(0);
    expect((await repo.git('rev-parse', 'HEAD~1')).trim()).toBe(head);
  });
});
