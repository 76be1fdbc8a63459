import { describe, expect, it } from 'vitest';
import type { HostSteps, RunStepTarget, StepTarget } from '../spec/model.js';
import { runScenario } from './testing/run-scenario.js';

const step = (...argv: string[]): StepTarget => ({ argv, timeoutMs: 60_000, become: false });
const steps: Partial<HostSteps> = {
  beforeDrain: [step('cm', 'disable', 'lieutenant {{run.id}}')],
  afterDrain: [step('note', 'drained', '{{host.name}}')],
  afterInstall: [step('systemctl', 'restart', 'demo'), step('note', 'has', '{{packages.demo}}', '{{commit.short}}')],
  afterReturn: [step('cm', 'enable')],
};
const mine = (commands: string[], host: string) =>
  commands.filter(
    (line) => line.startsWith(`${host}: `) && !line.includes('sudo') && !line.startsWith(`${host}: true`),
  );

describe('host steps', () => {
  it('given steps at every point, when a host is upgraded, then each runs at its point, rendered, journaled first', async () => {
    const { outcome, world, of } = await runScenario({
      fixture: { groups: [{ hosts: 2, steps }], batches: [1] },
    });

    expect(outcome.result).toBe('succeeded');
    expect(mine(world.commands, 'web-01')).toEqual([
      'web-01: cm disable lieutenant run-1',
      'web-01: note drained web-01 [out]',
      'web-01: systemctl restart demo [out]',
      'web-01: note has 1.1 c0ffee0 [out]',
      'web-01: cm enable',
    ]);
    const started = of('host.step.started').filter((e) => e.host === 'web-01');
    expect(started.map((e) => `${e.point} ${e.index}/${e.of}`)).toEqual([
      'beforeDrain 1/1',
      'afterDrain 1/1',
      'afterInstall 1/2',
      'afterInstall 2/2',
      'afterReturn 1/1',
    ]);
    expect(started.every((e) => !e.rollback)).toBe(true);
    expect(world.violations).toEqual([]);
  });

  it('given an afterInstall step that fails, when the batch rolls back, then the same steps run around the rollback install', async () => {
    const { outcome, world, of } = await runScenario({
      fixture: { groups: [{ hosts: 2, steps }], batches: [2], concurrency: 2, maxUnavailable: 2 },
      world: { commandExit: (host, argv) => (host === 'web-02' && argv.includes('1.1') ? 3 : 0) },
    });

    expect(outcome.result).toBe('rolled-back');
    expect(of('host.failed')).toMatchObject([
      { host: 'web-02', step: 'afterInstall', reason: 'afterInstall step 2 (note has 1.1 c0ffee0): exit 3: exit 3' },
    ]);
    expect(Object.values(world.installed).map((v) => v.demo)).toEqual(['1.0', '1.0']);
    const rollback = of('host.step.started').filter((e) => e.rollback);
    expect(rollback.filter((e) => e.host === 'web-02').map((e) => e.point)).toEqual([
      'beforeDrain',
      'afterDrain',
      'afterInstall',
      'afterInstall',
      'afterReturn',
    ]);
    expect(mine(world.commands, 'web-02').at(-2)).toBe('web-02: note has 1.0 c0ffee0 [out]');
    expect(mine(world.commands, 'web-02').at(-1)).toBe('web-02: cm enable');
    expect(world.outOfRotation()).toEqual([]);
  });

  it('given a beforeDrain step that fails once, then the host fails while still in rotation and nothing is installed on it', async () => {
    let failures = 1;
    const { outcome, world, of } = await runScenario({
      fixture: { groups: [{ hosts: 2, steps }], batches: [1] },
      world: { commandExit: (_host, argv) => (argv[1] === 'disable' && failures-- > 0 ? 1 : 0) },
    });

    expect(outcome.result).toBe('rolled-back');
    expect(of('host.failed')).toMatchObject([{ host: 'web-01', step: 'beforeDrain', outOfRotation: false }]);
    expect(world.installed['web-01']?.demo).toBe('1.0');
    expect(world.outOfRotation()).toEqual([]);
  });

  it('given an afterReturn step that fails under onFailure halt, then the run halts and names it', async () => {
    const { outcome, of } = await runScenario({
      fixture: { groups: [{ hosts: 2, steps }], batches: [1], onFailure: 'halt' },
      world: { commandExit: (_host, argv) => (argv[1] === 'enable' ? 1 : 0) },
    });

    expect(outcome.result).toBe('halted');
    expect(of('host.failed')).toMatchObject([{ host: 'web-01', step: 'afterReturn', outOfRotation: false }]);
    expect(outcome.hostsOut).toEqual([]);
  });
});

describe('run steps', () => {
  const on = (name: string, argv: string[], always = false): RunStepTarget => ({
    ...step(...argv),
    host: { name, address: '127.0.1.11', group: 'web', lbServer: name },
    packages: { demo: '1.1' },
    always,
  });

  it('given before and after steps, when the run succeeds, then before runs before any drain and after once at the end', async () => {
    const { outcome, world } = await runScenario({
      fixture: {
        groups: [{ hosts: 2 }],
        runSteps: { before: [on('web-01', ['migrate', '{{packages.demo}}'])], after: [on('web-02', ['warm'])] },
      },
    });

    expect(outcome.result).toBe('succeeded');
    expect(world.commands.filter((c) => /migrate|warm/.test(c))).toEqual(['web-01: migrate 1.1', 'web-02: warm']);
    expect(world.log.indexOf('lb web-01 drain')).toBeGreaterThan(-1);
  });

  it('given a failing before step, then no host leaves rotation and the run halts', async () => {
    const { outcome, world } = await runScenario({
      fixture: { groups: [{ hosts: 2 }], runSteps: { before: [on('web-01', ['migrate'])] } },
      world: { commandExit: (_host, argv) => (argv[0] === 'migrate' ? 1 : 0) },
    });

    expect(outcome.result).toBe('halted');
    expect(outcome.message).toMatch(/^before step 1 on web-01 \(migrate\): exit 1.*; no host left rotation$/);
    expect(world.log.filter((l) => l.includes('drain'))).toEqual([]);
  });

  it('given a rolled-back run, then only the after steps marked always run', async () => {
    const { outcome, world } = await runScenario({
      fixture: {
        groups: [{ hosts: 2 }],
        runSteps: { after: [on('web-01', ['warm']), on('web-01', ['report'], true)] },
      },
      world: { broken: ['1.1'] },
    });

    expect(outcome.result).toBe('rolled-back');
    expect(world.commands.filter((c) => /warm|report/.test(c))).toEqual(['web-01: report']);
  });
});
