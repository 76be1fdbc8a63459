/**
 * docs/safety.md, "Stopping, crashes and resume": a run interrupted at its
 * pause gate — SIGTERM or SIGKILL of a headless `lieutenant run` — left a
 * batch nobody approved. The next `run` of the commit (or `resume`) asks that
 * gate again before touching any other host, and `lieutenant abort` there
 * rolls that batch back, as it would have before the interruption.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listActiveRuns } from '../../src/control/index.js';
import { INITIAL_VERSION } from '../fleet/fleet.js';
import { waitFor } from '../fleet/wait.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { journaled } from './support/journal-wait.js';
import { eventsOf, lastJournal } from './support/lieutenant.js';
import { runLieutenantProcess, spawnLieutenant, type LieutenantProcess } from './support/lieutenant-process.js';
import { commitVersion, type RolloutRepo } from './support/rollout-repo.js';
import { describeWatched, watchFleet } from './support/watch.js';

const given = useFreshFleet();
let hosts: string[];
let repo: RolloutRepo;
const started: LieutenantProcess[] = [];

beforeEach(async () => {
  hosts = hostNames(given.fleet);
  repo = await given.repo({
    playbook: { strategy: { batches: ['50%', '50%'], concurrency: 3, maxUnavailable: '50%', pause: 'approve' } },
  });
  await commitVersion(repo, '1.1');
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((run) => run.killHard()));
});

function start(args: readonly string[]): LieutenantProcess {
  const run = spawnLieutenant(args, { repo });
  started.push(run);
  return run;
}

/** The gate after batch 1 journaled past `afterSeq` by this process, and announced where `abort` looks for it. */
async function waitsAtGate(run: LieutenantProcess, afterSeq = 0): Promise<{ runId: string; seq: number }> {
  const { event } = await journaled(repo, 'gate.waiting', {
    process: run,
    where: (e) => e.seq > afterSeq,
    timeoutMs: 120_000,
  });
  expect(event.afterBatch).toBe(1);
  await waitFor(
    async () => (await listActiveRuns(repo.dir)).find((a) => a.runId === event.runId && a.gate?.afterBatch === 1),
    { what: 'the active-run file to show the gate', timeoutMs: 10_000 },
  );
  return event;
}

const interruptions = [
  { how: 'SIGTERM', then: ['run', 'web'] },
  { how: 'SIGKILL', then: ['resume'] },
] as const;

describe('a run interrupted at its approve gate', () => {
  it.each(interruptions)(
    'given a run stopped by $how at the gate after batch 1, when `$then` runs again, then it waits at that same gate before touching any host, and abort rolls batch 1 back',
    async ({ how, then }) => {
      const watched = watchFleet(given.fleet);
      // Given: batch 1 (3 hosts) on 1.1, waiting for approval; then interrupted
      const first = start(['run', 'web']);
      const gate = await waitsAtGate(first);
      if (how === 'SIGTERM') process.kill(first.pid, 'SIGTERM');
      else await first.killHard();
      const exit = await first.exited;
      if (how === 'SIGTERM') expect(exit.code, exit.output).toBe(3);
      else expect(exit.signal).toBe('SIGKILL');
      expect(await installedVersions(given.fleet)).toEqual({
        ...allOn(hosts.slice(0, 3), '1.1'),
        ...allOn(hosts.slice(3), INITIAL_VERSION),
      });

      // When: run (or resume) again, without --yes
      const again = start([...then]);
      expect((await waitsAtGate(again, gate.seq)).runId).toBe(gate.runId);
      const resumed = await lastJournal(repo);
      const part = resumed.slice(resumed.findLastIndex((e) => e.type === 'run.started'));
      // Then: it asks the same gate first, with no host touched since it started again
      expect(part.map((e) => e.type)).toEqual(['run.started', 'gate.waiting']);
      expect(eventsOf(part, 'gate.waiting')[0]).toMatchObject({ afterBatch: 1, batches: 2, pause: 'approve' });

      // When: the operator aborts there
      const abort = await runLieutenantProcess(['abort', '--reason', 'not after that outage'], { repo });
      expect(abort.code, abort.output).toBe(0);
      const done = await again.exited;
      const report = await watched.stop();

      // Then: batch 1 is rolled back, batch 2 never touched, every host in rotation, the cap held
      expect(done.code, done.output).toBe(3);
      expect(done.output).toContain('batch 1 rolled back');
      expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));
      expect(await rotation(given.fleet)).toEqual(allUp(hosts));
      const events = await lastJournal(repo);
      expect(
        eventsOf(events, 'host.rollback.started')
          .map((e) => e.host)
          .sort(),
      ).toEqual(hosts.slice(0, 3));
      for (const host of hosts.slice(3))
        expect(eventsOf(events, 'host.drain.started').filter((e) => e.host === host)).toEqual([]);
      expect(report.rotation.maxOut, describeWatched(report)).toBeLessThanOrEqual(3);
      // And nothing is left to resume
      const nothing = await runLieutenantProcess(['resume'], { repo });
      expect(nothing.stderr).toContain('nothing to resume');
    },
  );
});
