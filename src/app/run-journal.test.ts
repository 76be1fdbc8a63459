import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJournal } from '../records/journal/index.js';
import type { RunEvent } from '../engine/index.js';
import { runScenario } from '../engine/testing/run-scenario.js';
import { journalPath, runLogPath } from '../records/index.js';
import { createRunLogger } from './run-log.js';
import { historyService } from './history-service.js';
import { findInterrupted } from './interrupted-runs.js';
import { resumeService } from './resume-service.js';
import { readRunJournal } from './run-journal.js';

const RUN = '20261122T130501Z-web-3f2a';
let repo: string;
beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'lieutenant-run-journal-'));
  execFileSync('git', ['init', '-q', repo]);
});
afterEach(() => rm(repo, { recursive: true, force: true }));

/** A halves rollout killed when web-02 (batch 1) started upgrading: web-02 is out of rotation. */
async function killedRun(): Promise<RunEvent[]> {
  const { events } = await runScenario({ fixture: { groups: [{ hosts: 4 }], batches: ['50%'], concurrency: 1 } });
  let upgrades = 0;
  const cut = events.findIndex((e) => e.type === 'host.upgrade.started' && ++upgrades === 2);
  return events.slice(0, cut + 1).map((e) => ({ ...e, runId: RUN }));
}

/** Journal and log, written by the real writers, as the run left them. */
async function written(events: readonly RunEvent[], { log = true } = {}): Promise<string> {
  const journal = await openJournal(journalPath(repo, RUN));
  for (const event of events) await journal.append(event);
  await journal.close();
  if (log) {
    const logger = createRunLogger(repo, RUN);
    events.forEach(logger.listener);
    await logger.close();
  }
  return journalPath(repo, RUN);
}

const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n');

describe('a damaged journal', () => {
  it('given garbage lines mid-journal, when read, then the rest is used and the lines are named', async () => {
    const path = await written(await killedRun(), { log: false });
    const text = await lines(path);
    text[2] = '\0\0\0\0 garbage';
    text[4] = '{"half": ';
    await writeFile(path, text.join('\n'));

    const journal = await readRunJournal(repo, RUN);

    expect(journal.damage).toEqual([
      `journal ${path}: lines 3, 5 unreadable (not an event); the ${text.length - 3} readable lines are used`,
    ]);
    const found = await findInterrupted(repo);
    expect(found.ok && found.value.points.map((p) => [p.runId, p.leftOut])).toEqual([[RUN, ['web-02']]]);
    expect(found.ok && found.value.warnings).toEqual([`run ${RUN}: ${journal.damage[0] ?? ''}`]);
  });

  it('given a journal truncated inside its first line, when read, then the run is read back from its log and can be resumed', async () => {
    // Given the journal cut to 100 bytes (its start torn), and the run's log intact
    const events = await killedRun();
    const path = await written(events);
    await truncate(path, 100);

    // When the interrupted runs are looked for
    const found = await findInterrupted(repo);

    // Then the run is there, at its last step, with web-02 out, and it says where it was read from
    if (!found.ok) throw new Error(found.error.message);
    expect(found.value.points).toMatchObject([
      { runId: RUN, leftOut: ['web-02'], lastSeq: events.at(-1)?.seq, mode: 'forward' },
    ]);
    expect(found.value.warnings).toEqual([
      `run ${RUN}: journal ${path} lacks ${events.length} events (seq ${events.map((e) => e.seq).join(', ')}); read from the run's log ${runLogPath(repo, RUN)}`,
    ]);
  });

  it('given a journal whose start is lost with no log, when resume, history and a run look, then none of them drops it', async () => {
    // Given a journal whose first line is garbage, and no log
    const path = await written(await killedRun(), { log: false });
    const text = await lines(path);
    text[0] = 'garbage';
    await writeFile(path, text.join('\n'));

    // When resume looks for it
    const resumed = await resumeService({
      repoDir: repo,
      yes: true,
      approvers: [],
      listeners: [],
      onWarning: () => undefined,
      stop: new AbortController().signal,
      force: new AbortController().signal,
    });

    // Then it is not "nothing to resume": exit 2, saying what is known and what to do
    expect(resumed).toMatchObject({
      ok: false,
      error: { exitCode: 2, message: `no interrupted run in ${repo} can be resumed` },
    });
    const details = resumed.ok ? [] : resumed.error.details;
    expect(details).toEqual([
      `journal ${path}: line 1 unreadable (not an event); the ${text.length - 2} readable lines are used`,
      `journal ${path} has lost the run's start, and its log has none: which commit it applied cannot be known, so it cannot be resumed`,
      `run ${RUN} cannot be resumed; it took web-02 out of rotation and its journal does not say they came back: check with lieutenant status, and once every host is back in rotation move the journal away (mv ${path} ${join(repo, '.lieutenant')}/)`,
    ]);
    // And history lists it as interrupted, with the host it left out and the damage
    const history = await historyService({ repoDir: repo });
    expect(history.ok ? history.value : history.error).toMatchObject([
      {
        runId: RUN,
        rollout: 'web',
        environment: '?',
        result: 'interrupted',
        startedAt: '2026-11-22T13:05:01.000Z',
        hostsOut: [{ host: 'web-02' }],
        damage: details.slice(0, 2),
      },
    ]);
  });
});
