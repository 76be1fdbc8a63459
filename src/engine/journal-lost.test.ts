import { describe, expect, it } from 'vitest';
import type { RunEvent } from './events.js';
import { runScenario } from './testing/run-scenario.js';

const fixture = { groups: [{ hosts: 4, packages: { demo: '1.1' } }], batches: ['50%'], maxUnavailable: 2 };

describe('a journal that cannot be written', () => {
  it('Given the disk fills as web-01 is about to install, then no install runs, the drained hosts return to rotation, and the run ends with exit 7 saying what to free', async () => {
    const full = (event: RunEvent) => event.type === 'host.upgrade.started';
    const seen: RunEvent[] = [];
    const { outcome, world } = await runScenario({
      fixture,
      world: { journalFailsAt: full },
      onEvent: (e) => seen.push(e),
    });

    expect(outcome).toMatchObject({
      result: 'halted',
      exitCode: 7,
      hostsOut: [],
      unrecorded: expect.stringContaining('ENOSPC'),
    });
    expect(outcome.message).toMatch(
      /^the run journal could not be written \(cannot write .*ENOSPC.*\): the run stopped before its next step; web-01, web-02 returned to rotation\. Free space on .* lieutenant resume run-1$/,
    );
    // No package changed, every host serves, the cap held
    expect(Object.values(world.installed).map((v) => v.demo)).toEqual(['1.0', '1.0', '1.0', '1.0']);
    expect(world.outOfRotation()).toEqual([]);
    expect(world.violations).toEqual([]);
    // And the views were told how it ended, though the journal could not be
    expect(seen.at(-1)).toMatchObject({ type: 'run.finished', exitCode: 7 });
  });

  it('Given the disk fills after an install, then that host stays out of rotation, named, and no other step runs', async () => {
    const full = (event: RunEvent) => event.type === 'host.upgrade.finished';
    const { outcome, world } = await runScenario({
      fixture: { ...fixture, groups: [{ hosts: 4, packages: { demo: '1.1' } }] },
      world: { journalFailsAt: full },
    });

    expect(outcome.exitCode).toBe(7);
    const out = outcome.hostsOut.map((h) => h.host);
    expect(out.length).toBeGreaterThan(0);
    for (const host of out) expect(world.installed[host]?.demo).toBe('1.1');
    expect(outcome.hostsOut[0]?.reason).toBe('its packages were being changed: state unknown');
    expect(world.outOfRotation().sort()).toEqual([...out].sort());
    expect(world.violations).toEqual([]);
    // No host of batch 2 was touched
    expect(world.installed['web-03']?.demo).toBe('1.0');
    expect(world.installed['web-04']?.demo).toBe('1.0');
  });
});
