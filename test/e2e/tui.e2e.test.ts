/**
 * docs/commands.md: `lieutenant run` shows a terminal UI "when standard
 * output and standard input are both terminals".
 * Here the real command (`node bin/lieutenant.js run web`, no --yes,
 * `pause: approve`) runs in a real terminal — tmux, 120x40, xterm-256color —
 * against the real fleet; the test reads the screen and answers the gate with
 * keys, as an operator would, then checks the fleet and the journal.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { INITIAL_VERSION } from '../fleet/fleet.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { eventsOf, journals, lastJournal } from './support/lieutenant.js';
import { LIEUTENANT_BIN } from './support/lieutenant-process.js';
import { commitVersion, type RolloutRepo } from './support/rollout-repo.js';
import { hasTmux, openTerminal, type Terminal } from './support/terminal.js';

const OPERATOR = 'E2E Operator';

const given = useFreshFleet();
let hosts: string[];
let repo: RolloutRepo;
let release: string;
let terminal: Terminal | undefined;

beforeEach(async () => {
  hosts = hostNames(given.fleet);
  repo = await given.repo({
    playbook: { strategy: { batches: ['50%', '50%'], concurrency: 3, maxUnavailable: '50%', pause: 'approve' } },
  });
  release = await commitVersion(repo, '1.1');
});

afterEach(() => {
  terminal?.close();
  terminal = undefined;
});

/** `lieutenant run web` in a 120x40 terminal, up to its gate after batch 1. */
async function runToGate(): Promise<{ terminal: Terminal; atGate: string }> {
  const opened = openTerminal({
    command: `${process.execPath} ${LIEUTENANT_BIN} run web --repo ${repo.dir}`,
    cwd: repo.dir,
    columns: 120,
    rows: 40,
  });
  terminal = opened;
  const atGate = await opened.shows('[a] approve', 90_000);
  return { terminal: opened, atGate };
}

describe('lieutenant run in a real terminal (tmux) against the fleet', () => {
  beforeAll(() => {
    // Fails loudly rather than skipping: .ci/run installs tmux.
    if (!hasTmux()) throw new Error('tmux is not installed: apt-get install tmux (.ci/run installs it)');
  });

  it('given a run waiting at its gate on screen, when the operator presses `a` and types a reason, then the rollout completes and the journal records the approval with that reason', async () => {
    // Given: at the gate, the screen shows batch 1 done, healthy on 1.1
    const { terminal, atGate } = await runToGate();
    expect(atGate).toContain('Batch 1/2 done — 3 hosts healthy on demo 1.1.');
    expect(atGate).toMatch(/✔ batch 1\/2 web +3 in rotation/);
    expect(atGate).toContain('6 hosts in 2 batches · 3 in rotation · 3 waiting');
    expect(atGate).toContain('6 in rotation · 0 draining · 0 out');
    expect(await installedVersions(given.fleet)).toEqual({
      ...allOn(hosts.slice(0, 3), '1.1'),
      ...allOn(hosts.slice(3), INITIAL_VERSION),
    });

    // When: `a`, then the reason and Enter as one burst of input, like a paste
    terminal.press('a');
    await terminal.shows('approve — reason (enter to skip, esc to go back)');
    terminal.press('graphs look fine', 'Enter');

    // Then: the summary, exit 0, every host on 1.1 and UP
    const end = await terminal.shows(`to roll back: lieutenant revert ${release.slice(0, 7)} --run`, 90_000);
    expect(end).toMatch(/done in /);
    expect(await terminal.exitCode()).toBe(0);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));
    const events = await lastJournal(repo);
    expect(eventsOf(events, 'gate.answered').map(({ decision, by, reason }) => ({ decision, by, reason }))).toEqual([
      { decision: 'approve', by: OPERATOR, reason: 'graphs look fine' },
    ]);
    expect(eventsOf(events, 'run.finished').map((event) => event.result)).toEqual(['succeeded']);
  });

  it('given a run waiting at its gate on screen, when the operator presses `x` then Enter, then batch 1 is rolled back, the run exits 3 and batch 2 is never touched', async () => {
    // Given
    const { terminal } = await runToGate();

    // When: `x`, then Enter (no reason), as two separate key presses
    terminal.press('x');
    await terminal.shows('abort and roll back — reason (enter to skip, esc to go back)');
    terminal.press('Enter');

    // Then
    const end = await terminal.shows('aborted in ', 90_000);
    expect(end).toContain('3 rolled back');
    expect(await terminal.exitCode()).toBe(3);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));
    const [run, ...others] = await journals(repo);
    expect(others).toEqual([]);
    const events = run?.events ?? [];
    expect(eventsOf(events, 'gate.answered').map(({ decision, by, reason }) => ({ decision, by, reason }))).toEqual([
      { decision: 'abort', by: OPERATOR, reason: undefined },
    ]);
    expect(eventsOf(events, 'batch.started').map((event) => event.hosts)).toEqual([hosts.slice(0, 3)]);
    for (const host of hosts.slice(3))
      expect(events.filter((event) => 'host' in event && event.host === host)).toEqual([]);
    expect(eventsOf(events, 'run.finished').map((event) => event.result)).toEqual(['aborted']);
  });
});
