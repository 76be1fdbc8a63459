/**
 * Never lose a run: a run killed with hosts out of rotation whose journal is
 * then truncated inside its first line (its start torn) must still show in
 * `status` and `history`, and `resume` must finish it — reading back from the
 * run's log what the journal lost — instead of saying "nothing to resume".
 */
import { readFile, truncate } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { journalPath, runLogPath } from '../../src/records/index.js';
import { waitFor } from '../fleet/wait.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { journaled } from './support/journal-wait.js';
import { runLieutenantProcess, spawnLieutenant, type LieutenantProcess } from './support/lieutenant-process.js';
import { historyEntries, pick, statusHosts } from './support/reports.js';
import { commitVersion } from './support/rollout-repo.js';

const given = useFreshFleet();
const started: LieutenantProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((run) => run.killHard()));
});

describe('a run whose journal was truncated after kill -9', () => {
  it('given its start torn away, when status, history and resume, then it is shown, said damaged, and resumed to the end', async () => {
    // Given: a run killed once a host is upgraded, before it is back in rotation
    const hosts = hostNames(given.fleet);
    const repo = await given.repo({
      playbook: { strategy: { batches: ['50%', '50%'], concurrency: 3, maxUnavailable: '50%', pause: 'none' } },
    });
    await commitVersion(repo, '1.1');
    const run = spawnLieutenant(['run', 'web', '--yes'], { repo });
    started.push(run);
    const { event: upgraded } = await journaled(repo, 'host.upgrade.finished', { process: run });
    const { runId } = upgraded;
    // The log is written alongside the journal (asynchronously): wait until it has the event too.
    await waitFor(
      async () => (await readFile(runLogPath(repo.dir, runId), 'utf8')).includes(`"seq":${upgraded.seq},`),
      { what: 'the run log to catch up', timeoutMs: 5_000, intervalMs: 20 },
    );
    const exit = await run.killHard();
    expect(exit.signal, exit.output).toBe('SIGKILL');
    // And: its journal truncated to 100 bytes, inside its first line
    const path = journalPath(repo.dir, runId);
    await truncate(path, 100);

    // When: status / Then: the host is out, and the damage is said
    const status = await runLieutenantProcess(['status'], { repo });
    expect(status.stdout).toContain(`! run ${runId}: journal ${path} lacks`);
    expect(pick(await statusHosts(repo), 'outOfRotation')[upgraded.host]).toBe(true);
    // And history lists the run as interrupted, with its commit
    const [entry] = (await historyEntries(repo)).filter((e) => e.runId === runId);
    expect(entry).toMatchObject({ result: 'interrupted', rollout: 'web', environment: 'staging' });
    expect(entry?.damage?.[0]).toMatch(/read from the run's log/);

    // When: resumed / Then: it finishes the rollout, saying where it read the run from
    const resume = await runLieutenantProcess(['resume', '--yes'], { repo });
    expect(resume.code, resume.output).toBe(0);
    expect(resume.stderr).toContain(`resuming run ${runId}`);
    expect(resume.stderr).toContain(`read from the run's log ${runLogPath(repo.dir, runId)}`);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));
    expect((await historyEntries(repo)).find((e) => e.runId === runId)?.result).toBe('succeeded');
  });
});
