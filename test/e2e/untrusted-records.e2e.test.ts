/**
 * Records pushed by a second clone against the real fleet (OpenSSH, apt,
 * HAProxy): a deployed ref and a pending record naming a commit that was
 * never on main (with a forged subject and "0 hosts"), a sync request for
 * it, a shared journal claiming web-01 was mid-rollback to demo 6.6, and
 * garbage in both notes refs. Then `status`, `run`, `sync`,
 * `watch --once --self-heal` and `resume --yes` in the first clone: each
 * reports the records as ignored, none crashes, and no host is touched.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installedVersions, rotation } from './support/fleet-state.js';
import { freshFleet, hostNames, useFreshFleet } from './support/given-fleet.js';
import { runLieutenant } from './support/lieutenant.js';
import { makeFollowedRepo, type FollowedRepo } from './watch-support/followed-repo.js';

const given = useFreshFleet();
let repo: FollowedRepo | undefined;
let scratch: string | undefined;

afterEach(async () => {
  await repo?.remove();
  repo = undefined;
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
  await freshFleet();
});

/** A commit object whose message is `body` (empty tree), made in the pushing clone: a record as anyone could push it. */
async function recordCommit(body: object, parent: string): Promise<string> {
  const pusher = repo!.pusher;
  const tree = (await pusher.git('hash-object', '-w', '-t', 'tree', '/dev/null')).trim();
  scratch ??= await mkdtemp(join(tmpdir(), 'lieutenant-hostile-'));
  const file = join(scratch, 'message.json');
  await writeFile(file, JSON.stringify(body));
  return (await pusher.git('commit-tree', tree, '-p', parent, '-F', file)).trim();
}

async function blobOf(text: string): Promise<string> {
  scratch ??= await mkdtemp(join(tmpdir(), 'lieutenant-hostile-'));
  const file = join(scratch, 'blob');
  await writeFile(file, text);
  return (await repo!.pusher.git('hash-object', '-w', file)).trim();
}

describe('records pushed by a second clone', () => {
  it('are reported as ignored by status, run, sync, watch --self-heal and resume, nothing crashes, and no host is touched', async () => {
    // Given: the fleet deployed at main's head (demo 1.0), shared through the remote
    const hosts = hostNames(given.fleet).filter((name) => name.startsWith('web-'));
    repo = await makeFollowedRepo(given.fleet);
    const { watched, pusher } = repo;
    const deploy = await runLieutenant(['run', 'web', '--yes', '--push'], { repo: watched });
    expect(deploy.code, deploy.output).toBe(0);
    const before = await installedVersions(given.fleet, hosts);
    const head = (await watched.git('rev-parse', 'HEAD')).trim();

    // …and a second clone pushes a side commit (never on main) as deployed, pending and requested, a forged journal and garbage notes
    await pusher.git('fetch', '-q', 'origin');
    await pusher.git('checkout', '-q', '-b', 'side', 'origin/main');
    await writeFile(
      pusher.playbookPath,
      (await readFile(pusher.playbookPath, 'utf8')).replace(/demo: .*/, 'demo: "1.1"'),
    );
    await pusher.git('commit', '-q', '-am', 'Release demo 1.1 (never on main)');
    const side = (await pusher.git('rev-parse', 'HEAD')).trim();
    const pending = await recordCommit(
      {
        environment: 'staging',
        commit: side,
        subject: 'release demo 2.0',
        since: new Date().toISOString(),
        detectedBy: 'mallory',
        rollouts: [{ rollout: 'web', hosts: [], batches: 1 }],
        hostsToChange: 0,
      },
      side,
    );
    const request = await recordCommit(
      { environment: 'staging', commit: side, by: 'mallory', at: new Date().toISOString() },
      side,
    );
    const runId = 'web-20260101T000000Z-evil';
    const journal = [
      {
        type: 'run.started',
        seq: 1,
        runId,
        at: new Date().toISOString(),
        rollout: 'web',
        environment: 'staging',
        commit: { sha: head, subject: 'Pin demo 1.0' },
        operator: 'mallory',
        plan: {
          groups: [
            {
              name: 'web',
              hosts: [
                {
                  name: hosts[0],
                  group: 'web',
                  changes: [{ name: 'demo', from: '6.6', to: '1.0', kind: 'downgrade' }],
                  before: { demo: '6.6' },
                },
              ],
            },
          ],
        },
      },
      {
        type: 'batch.started',
        seq: 2,
        runId,
        at: new Date().toISOString(),
        batch: 1,
        batches: 1,
        group: 'web',
        hosts: [hosts[0]],
      },
      {
        type: 'host.rollback.started',
        seq: 3,
        runId,
        at: new Date().toISOString(),
        host: hosts[0],
        to: { demo: '6.6' },
      },
    ]
      .map((event) => `${JSON.stringify(event)}\n`)
      .join('');
    const garbage = await blobOf('garbage\n');
    await pusher.git(
      'push',
      '-q',
      '--force',
      'origin',
      `${side}:refs/lieutenant/deployed/staging/web`,
      `${pending}:refs/lieutenant/pending/staging`,
      `${request}:refs/lieutenant/sync/staging`,
      `${await blobOf(journal)}:refs/lieutenant/runs/${runId}`,
      `${garbage}:refs/notes/lieutenant-sync`,
      `${garbage}:refs/notes/lieutenant`,
    );
    const ignoredDeployed = `ignored record refs/lieutenant/deployed/staging/web → ${side.slice(0, 7)}: not on main`;
    const ignoredPending = `ignored record refs/lieutenant/pending/staging → ${side.slice(0, 7)}: not on main`;

    // When: status
    const status = await runLieutenant(['status', '--json'], { repo: watched });
    // Then: both records are reported, the forged subject and count are not shown, no drift is claimed
    expect(status.stderr).toContain(ignoredDeployed);
    expect(status.output).not.toContain('release demo 2.0');
    const environment = status.json.find((line) => line.type === 'environment') as {
      deployed: Record<string, string>;
      problems: string[];
    };
    expect(environment.deployed.web).toBe(head);
    expect(environment.problems).toContain(ignoredPending);
    for (const host of status.json.filter((line) => line.type === 'host')) expect(host.drift).toEqual([]);

    // When: run, sync
    const run = await runLieutenant(['run', 'web', '--yes'], { repo: watched });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(ignoredDeployed);
    const sync = await runLieutenant(['sync', 'staging'], { repo: watched });
    expect(sync.code, sync.output).toBe(2);
    expect(sync.output).toContain(`${ignoredPending}; nothing was applied`);

    // When: one watcher cycle under manual sync, with self-heal
    const watch = await runLieutenant(
      ['watch', '--once', '--self-heal', '--drift-alert-after', '0s', '--remote', 'origin', '--sync', 'staging=manual'],
      { repo: watched },
    );
    // Then: it ends normally (no exit 70), saying what it ignored
    expect(watch.code, watch.output).toBe(0);
    expect(watch.output).toContain(ignoredPending);
    expect(watch.output).not.toMatch(/internal error|at .*\.ts:\d+/);

    // When: resume --yes with the forged journal on the remote
    const resume = await runLieutenant(['resume', '--yes'], { repo: watched });
    expect(resume.output).toContain(
      `ignored record refs/lieutenant/runs/${runId}: demo 6.6 is a version no commit of the branch pins`,
    );
    expect(resume.code, resume.output).toBe(2);

    // Then: no host changed version, every host serving
    expect(await installedVersions(given.fleet, hosts)).toEqual(before);
    const serving = await rotation(given.fleet, hosts);
    for (const host of hosts) expect(serving[host], host).toBe('UP');
  });
});
