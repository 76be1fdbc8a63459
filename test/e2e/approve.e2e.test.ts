/**
 * docs/safety.md, pause gates: `pause: approve` waits for an answer from the
 * terminal UI or from another terminal (`lieutenant approve`, `abort`). Here
 * both sides are real processes: a headless `lieutenant run web` (stdout is
 * a pipe, no --yes, `pause: approve`) and `lieutenant approve` / `abort`
 * started beside it, as an operator in another terminal would.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listActiveRuns } from '../../src/control/index.js';
import { INITIAL_VERSION } from '../fleet/fleet.js';
import { waitFor } from '../fleet/wait.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { journaled } from './support/journal-wait.js';
import { eventsOf, journals, lastJournal } from './support/lieutenant.js';
import { runLieutenantProcess, spawnLieutenant, type LieutenantProcess } from './support/lieutenant-process.js';
import { historyEntries } from './support/reports.js';
import { commitVersion, type RolloutRepo } from './support/rollout-repo.js';
import { holdSession, type HeldSession } from './support/slow-session.js';

const OPERATOR = 'E2E Operator'; // git user.name of the rollout repo: who answers from this machine

const given = useFreshFleet();
let hosts: string[];
let repo: RolloutRepo;
const started: LieutenantProcess[] = [];
let held: HeldSession | undefined;

beforeEach(async () => {
  hosts = hostNames(given.fleet);
  repo = await given.repo({
    playbook: {
      strategy: { batches: ['50%', '50%'], concurrency: 3, maxUnavailable: '50%', pause: 'approve' },
      drain: { timeout: '30s' },
    },
  });
  await commitVersion(repo, '1.1');
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((run) => run.killHard()));
  await held?.release();
  held = undefined;
});

function startHeadlessRun(): LieutenantProcess {
  const run = spawnLieutenant(['run', 'web'], { repo });
  started.push(run);
  return run;
}

/** Journaled at the gate, and announced where `approve` looks for it (the active-run file). */
async function atGate(run: LieutenantProcess): Promise<string> {
  const { event } = await journaled(repo, 'gate.waiting', { process: run });
  expect(event.afterBatch).toBe(1);
  await waitFor(
    async () =>
      (await listActiveRuns(repo.dir)).find((active) => active.runId === event.runId && active.gate?.afterBatch === 1),
    {
      what: 'the active-run file to show the gate',
      timeoutMs: 10_000,
    },
  );
  return event.runId;
}

describe('answering a gate from a second process', () => {
  it('given a headless run, when approve is sent while batch 1 still drains, then it exits 2; and when sent at the gate with a reason, the run finishes and history shows the approval', async () => {
    // Given: web-01 holds a slow request, so batch 1 stays in its drain for a while (long enough for a process to start)
    const slow = (held = await holdSession(given.fleet, 'web-01'));
    const run = startHeadlessRun();
    await journaled(repo, 'host.drain.started', { process: run, where: (event) => event.host === 'web-01' });

    // When: approve too early
    const early = await runLieutenantProcess(['approve', '--reason', 'too early'], { repo });

    // Then: refused, nothing sent
    expect(early.code, early.output).toBe(2);
    expect(early.stderr).toMatch(/is not waiting at a gate/);
    const meanwhile = await lastJournal(repo);
    expect(eventsOf(meanwhile, 'gate.waiting')).toEqual([]);
    expect(eventsOf(meanwhile, 'gate.answered')).toEqual([]);
    await slow.release();

    // When: at the gate, approve with a reason
    const runId = await atGate(run);
    await waitFor(() => run.stdout().includes(`waiting for approval (lieutenant approve ${runId}, from any clone)`), {
      what: "the run's plain lines to say how to answer",
      timeoutMs: 5_000,
    });
    expect(await installedVersions(given.fleet)).toEqual({
      ...allOn(hosts.slice(0, 3), '1.1'),
      ...allOn(hosts.slice(3), INITIAL_VERSION),
    });
    const approve = await runLieutenantProcess(['approve', '--reason', 'graphs look fine'], { repo });

    // Then: the answer is acknowledged, the run goes on and finishes
    expect(approve.code, approve.output).toBe(0);
    // Who answered, as the rules see them: the operator's name and Git email.
    expect(approve.stdout).toContain(`approved run ${runId} at the gate after batch 1/2 (as ${OPERATOR} <`);
    const done = await run.exited;
    expect(done.code, done.output).toBe(0);
    // Who (name and Git email) and from where (user@machine:checkout) the answer came.
    expect(done.stdout).toMatch(
      new RegExp(`gate approved by ${OPERATOR} \\([^)]+@[^)]+\\) from \\S+@\\S+:\\S+: "graphs look fine"`),
    );
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));

    // And the journal and history carry who approved and why — the early attempt left no trace
    const events = await lastJournal(repo);
    expect(eventsOf(events, 'gate.answered').map(({ decision, by, reason }) => ({ decision, by, reason }))).toEqual([
      { decision: 'approve', by: OPERATOR, reason: 'graphs look fine' },
    ]);
    expect(eventsOf(events, 'run.finished').map((event) => event.result)).toEqual(['succeeded']);
    const history = await historyEntries(repo);
    expect(history.map((entry) => [entry.runId, entry.result])).toEqual([[runId, 'succeeded']]);
    expect(history[0]?.approvals).toEqual([
      expect.objectContaining({ decision: 'approve', by: OPERATOR, reason: 'graphs look fine', afterBatch: 1 }),
    ]);
    const table = await runLieutenantProcess(['history'], { repo });
    expect(table.stdout).toContain(`approved after batch 1 by ${OPERATOR}: graphs look fine`);
  });

  it('given no run at all, when approve is sent, then it exits 2 saying no run is waiting and nothing is written', async () => {
    const approve = await runLieutenantProcess(['approve', '--reason', 'nothing to approve'], { repo });
    expect(approve.code, approve.output).toBe(2);
    expect(approve.stderr).toContain(`no run is waiting for an answer (in ${repo.dir})`);
    expect(approve.stdout).toBe('');
    expect(await journals(repo)).toEqual([]);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));
  });

  it('given a headless run at its gate, when abort is sent from a second process, then the run exits 3 with batch 1 rolled back and batch 2 never touched', async () => {
    // Given
    const run = startHeadlessRun();
    const runId = await atGate(run);

    // When
    const abort = await runLieutenantProcess(['abort', '--reason', 'error rate up'], { repo });

    // Then
    expect(abort.code, abort.output).toBe(0);
    expect(abort.stdout).toContain(`aborted run ${runId} at the gate after batch 1/2`);
    const done = await run.exited;
    expect(done.code, done.output).toBe(3);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));
    const events = await lastJournal(repo);
    expect(eventsOf(events, 'gate.answered').map(({ decision, by, reason }) => ({ decision, by, reason }))).toEqual([
      { decision: 'abort', by: OPERATOR, reason: 'error rate up' },
    ]);
    expect(
      eventsOf(events, 'host.rollback.started')
        .map((event) => event.host)
        .sort(),
    ).toEqual(hosts.slice(0, 3));
    expect(eventsOf(events, 'batch.started')).toHaveLength(1);
    for (const host of hosts.slice(3))
      expect(events.filter((event) => 'host' in event && event.host === host)).toEqual([]);
    expect(eventsOf(events, 'run.finished').map((event) => event.result)).toEqual(['aborted']);
    expect((await historyEntries(repo)).map((entry) => [entry.runId, entry.result])).toEqual([[runId, 'aborted']]);
  });

  it('given a headless run still draining batch 1, when abort is sent from a second process, then it is taken at once: the hosts in flight finish, batch 1 is rolled back, exit 3', async () => {
    // Given: web-01 holds a slow request, so batch 1 is still draining when the abort comes
    const slow = (held = await holdSession(given.fleet, 'web-01'));
    const run = startHeadlessRun();
    await journaled(repo, 'host.drain.started', { process: run, where: (event) => event.host === 'web-01' });

    // When
    const abort = await runLieutenantProcess(['abort', '--reason', 'wrong release'], { repo });
    await slow.release();

    // Then: accepted (not refused for want of a gate), and the run stops as at a gate
    expect(abort.code, abort.output).toBe(0);
    expect(abort.stdout).toMatch(/^aborted run \S+ \(as E2E Operator <[^>]+>\): its hosts in flight finish/);
    const done = await run.exited;
    expect(done.code, done.output).toBe(3);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));
    const events = await lastJournal(repo);
    expect(
      eventsOf(events, 'gate.answered').map(({ decision, by, reason, during }) => ({ decision, by, reason, during })),
    ).toEqual([{ decision: 'abort', by: OPERATOR, reason: 'wrong release', during: 1 }]);
    expect(eventsOf(events, 'gate.waiting')).toEqual([]);
    expect(eventsOf(events, 'batch.started')).toHaveLength(1);
    for (const host of hosts.slice(3))
      expect(events.filter((event) => 'host' in event && event.host === host)).toEqual([]);
    expect(eventsOf(events, 'run.finished').map((event) => event.result)).toEqual(['aborted']);
  });
});
