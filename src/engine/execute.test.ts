import { describe, expect, it } from 'vitest';
import { scriptedApprover } from './testing/fake-world.js';
import { runScenario } from './testing/run-scenario.js';

describe('executePlan', () => {
  it('upgrades every host in halves, one batch after the other, without breaking a safety promise', async () => {
    // Given four hosts on 1.0 and a playbook pinning 1.1 in halves
    const { outcome, world, of } = await runScenario({ fixture: { groups: [{ hosts: 4 }], batches: ['50%', '50%'] } });
    // Then every host is on 1.1 and in rotation, and the run succeeded
    expect(outcome.result).toBe('succeeded');
    expect(outcome.exitCode).toBe(0);
    expect(Object.values(world.installed).map((v) => v.demo)).toEqual(['1.1', '1.1', '1.1', '1.1']);
    expect(world.outOfRotation()).toEqual([]);
    expect(world.violations).toEqual([]);
    expect(world.peakOut).toBe(2);
    // And the second batch started only after the first batch was back
    expect(of('batch.started').map((e) => e.hosts)).toEqual([
      ['web-01', 'web-02'],
      ['web-03', 'web-04'],
    ]);
    const firstReturns = world.log.filter((l) => /lb web-0[12] ready/.test(l));
    expect(world.log.indexOf(firstReturns.at(-1) as string)).toBeLessThan(world.log.indexOf('lb web-03 drain'));
  });

  it('follows the plan, not the spec: how many at once and which gates come from the plan alone', async () => {
    // Given a spec with concurrency 10 and approval gates, and its plan edited to one host at a time and no gates
    const asked: number[] = [];
    const { outcome, world } = await runScenario({
      fixture: { groups: [{ hosts: 4 }], batches: ['50%', '50%'], pause: { kind: 'approve' } },
      approver: {
        await: (request) => {
          asked.push(request.afterBatch);
          return Promise.resolve({ decision: 'approve', by: 'test' });
        },
      },
      editPlan: (plan) => ({
        ...plan,
        batches: plan.batches.map((batch) => ({ ...batch, inFlight: 1, gate: { kind: 'none' } })),
      }),
    });
    // Then the run did what the plan said: never two hosts out at once, and no gate asked
    expect(outcome.result).toBe('succeeded');
    expect(world.peakOut).toBe(1);
    expect(asked).toEqual([]);
  });

  it('asks the gate the plan puts after a batch, and none after the last', async () => {
    const asked: number[] = [];
    const { outcome } = await runScenario({
      fixture: { groups: [{ hosts: 6 }], batches: [1, '50%'], pause: { kind: 'approve' } },
      approver: {
        await: (request) => {
          asked.push(request.afterBatch);
          return Promise.resolve({ decision: 'approve', by: 'test' });
        },
      },
    });
    expect(outcome.result).toBe('succeeded');
    expect(asked).toEqual([1, 2]);
  });

  it('journals every event, in order, before listeners see it', async () => {
    const { world, events } = await runScenario({ fixture: {} });
    expect(world.events.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]?.type).toBe('run.started');
    expect(events.at(-1)?.type).toBe('run.finished');
  });

  it.each([
    { hosts: 5, concurrency: 1, maxUnavailable: 1 },
    { hosts: 5, concurrency: 3, maxUnavailable: 1 },
    { hosts: 5, concurrency: 3, maxUnavailable: 2 },
    { hosts: 6, concurrency: 10, maxUnavailable: '50%' },
  ])(
    'never has more than maxUnavailable out of rotation: $hosts hosts, concurrency $concurrency, max $maxUnavailable',
    async (c) => {
      const { outcome, world } = await runScenario({
        fixture: {
          groups: [{ hosts: c.hosts }],
          batches: ['50%', '50%'],
          concurrency: c.concurrency,
          maxUnavailable: c.maxUnavailable,
        },
      });
      expect(outcome.result).toBe('succeeded');
      expect(world.violations).toEqual([]);
      const cap = typeof c.maxUnavailable === 'number' ? c.maxUnavailable : 3;
      expect(world.peakOut).toBe(Math.min(cap, c.concurrency));
    },
  );

  it('rolls the failed batch back to the versions it had and never touches the next batch', async () => {
    // Given the committed version is broken
    const { outcome, world, of } = await runScenario({
      fixture: { groups: [{ hosts: 4, packages: { demo: '1.2' } }], batches: ['50%', '50%'], onFailure: 'rollback' },
      world: { broken: ['1.2'] },
    });
    // Then the run failed, batch 1 is back on 1.0 and in rotation, batch 2 was never touched
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.exitCode).toBe(1);
    expect(Object.values(world.installed).map((v) => v.demo)).toEqual(['1.0', '1.0', '1.0', '1.0']);
    expect(world.outOfRotation()).toEqual([]);
    expect(world.log.some((l) => l.includes('web-03') || l.includes('web-04'))).toBe(false);
    expect(of('host.failed').map((e) => [e.host, e.step])).toContainEqual(['web-01', 'health']);
    expect(of('host.rollback.finished').every((e) => e.ok)).toBe(true);
    expect(world.violations).toEqual([]);
    // And a failed host, already out of rotation, is not drained a second time for its rollback
    expect(world.log.filter((line) => line === 'lb web-01 drain')).toHaveLength(1);
  });

  it('removes again, on rollback, a package the failed release newly installed', async () => {
    // Given a release that upgrades demo to a broken version and adds demo-addon, which no host has
    const { outcome, world, of } = await runScenario({
      fixture: {
        groups: [{ hosts: 4, packages: { demo: '1.2', 'demo-addon': '1.0' } }],
        batches: ['50%', '50%'],
        onFailure: 'rollback',
      },
      world: { broken: ['1.2'] },
    });
    // Then batch 1 is back as it was: demo 1.0, and no demo-addon
    expect(outcome.result).toBe('rolled-back');
    expect(world.installed['web-01']).toEqual({ demo: '1.0', 'demo-addon': null });
    expect(world.installed['web-02']).toEqual({ demo: '1.0', 'demo-addon': null });
    expect(of('host.rollback.started').map((e) => e.to)).toEqual([
      { demo: '1.0', 'demo-addon': null },
      { demo: '1.0', 'demo-addon': null },
    ]);
    expect(of('host.rollback.finished').every((e) => e.ok)).toBe(true);
  });

  it('halts with the failed host out of rotation and says which host and why', async () => {
    const { outcome, world } = await runScenario({
      fixture: {
        groups: [{ hosts: 4, packages: { demo: '1.2' } }],
        batches: [1],
        maxUnavailable: 1,
        onFailure: 'halt',
      },
      world: { broken: ['1.2'] },
    });
    expect(outcome.result).toBe('halted');
    expect(outcome.exitCode).toBe(1);
    expect(world.outOfRotation()).toEqual(['web-01']);
    expect(outcome.hostsOut).toEqual([{ host: 'web-01', group: 'web', reason: expect.stringContaining('HTTP 500') }]);
    expect(outcome.message).toContain('web-01 is out of rotation');
    expect(world.installed['web-02']?.demo).toBe('1.0');
  });

  it('refuses before any drain when a version is missing from the repositories', async () => {
    const { outcome, world } = await runScenario({
      fixture: { groups: [{ hosts: 4, packages: { demo: '9.9' } }] },
      world: { available: ['1.0', '1.1'] },
    });
    expect(outcome.result).toBe('invalid');
    expect(outcome.exitCode).toBe(2);
    expect(outcome.message).toContain('demo=9.9');
    expect(world.log).toEqual([]);
  });

  it('refuses before any drain when one host cannot be reached', async () => {
    const { outcome, world } = await runScenario({ fixture: {}, world: { unreachable: ['web-04'] } });
    expect(outcome.result).toBe('invalid');
    expect(outcome.message).toContain('web-04');
    expect(world.log).toEqual([]);
  });

  it('refuses before any drain when become: sudo and sudo -n asks one host for a password', async () => {
    const { outcome, world } = await runScenario({ fixture: { become: 'sudo' }, world: { noSudo: ['web-03'] } });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.message).toContain('web-03: become: sudo, but sudo -n refuses root: sudo: a password is required');
    expect(world.log).toEqual([]);
  });

  it('fails, never succeeds, when hosts cannot leave rotation because the cap is taken by a host left out before', async () => {
    // Given web-04 left in maint (already on 1.1) and maxUnavailable 1
    const { outcome, world } = await runScenario({
      fixture: { groups: [{ hosts: 4 }], batches: ['100%'], maxUnavailable: 1, onFailure: 'halt' },
      world: { maxOut: undefined },
      initiallyOut: { 'web-04': 'maint' },
      installedOn: { 'web-04': '1.1' },
    });
    // Then nothing was drained, and the run says why with exit 1 (the deployed ref must not move)
    expect(outcome.result).toBe('halted');
    expect(outcome.exitCode).toBe(1);
    expect(outcome.message).toContain('maxUnavailable 1 is taken by web-04');
    expect(world.log).toEqual([]);
  });

  it('drains a host believed out of rotation but only in drain before upgrading it (killed mid-drain)', async () => {
    const { outcome, world } = await runScenario({
      fixture: { groups: [{ hosts: 2 }], batches: ['100%'], maxUnavailable: 2 },
      initiallyOut: { 'web-01': 'drain' },
    });
    expect(outcome.result).toBe('succeeded');
    expect(world.violations).toEqual([]);
    expect(world.log.filter((line) => line.includes('web-01')).slice(0, 3)).toEqual([
      'lb web-01 drain',
      'lb web-01 maint',
      'install web-01 demo=1.1',
    ]);
  });

  it('halts with exit 1, not an operator abort, when the pause gate cannot be answered', async () => {
    const broken = { await: async () => Promise.reject(new Error('control dir unreadable')) };
    const { outcome } = await runScenario({ fixture: { pause: { kind: 'approve' } }, approver: broken });
    expect(outcome.result).toBe('halted');
    expect(outcome.exitCode).toBe(1);
    expect(outcome.message).toContain('control dir unreadable');
  });

  it('waits at the approve gate, records who approved and why, then goes on', async () => {
    const approver = scriptedApprover([{ decision: 'approve', by: 'bob', reason: 'canary looks fine' }]);
    const { outcome, of } = await runScenario({ fixture: { pause: { kind: 'approve' } }, approver });
    expect(outcome.result).toBe('succeeded');
    expect(approver.asked).toBe(1);
    expect(of('gate.waiting')[0]?.summary).toBe('Batch 1/2 done — 2 hosts healthy on demo 1.1');
    expect(of('gate.answered')).toEqual([
      expect.objectContaining({ decision: 'approve', by: 'bob', reason: 'canary looks fine' }),
    ]);
  });

  it('rolls back the batch and ends with exit 3 when aborted at the gate', async () => {
    const approver = scriptedApprover([{ decision: 'abort', by: 'bob' }]);
    const { outcome, world } = await runScenario({ fixture: { pause: { kind: 'approve' } }, approver });
    expect(outcome.result).toBe('aborted');
    expect(outcome.exitCode).toBe(3);
    expect(Object.values(world.installed).map((v) => v.demo)).toEqual(['1.0', '1.0', '1.0', '1.0']);
    expect(world.outOfRotation()).toEqual([]);
  });

  it('goes on by itself after a timed pause', async () => {
    const { outcome, of } = await runScenario({
      fixture: { pause: { kind: 'timed', ms: 30_000 } },
      approver: { await: () => new Promise(() => {}) },
    });
    expect(outcome.result).toBe('succeeded');
    expect(of('gate.answered')).toEqual([expect.objectContaining({ decision: 'approve', by: 'timer' })]);
  });

  it('stops safely: hosts in flight finish and return, nothing new starts', async () => {
    // Given a stop requested when the first host is drained
    const stop = new AbortController();
    const { outcome, world, events } = await runScenario({
      fixture: { groups: [{ hosts: 4 }], batches: ['100%'], concurrency: 1, maxUnavailable: 1 },
      stop,
      onEvent: (e) => e.type === 'host.drain.finished' && stop.abort(),
    });
    // Then the host in flight is upgraded and back; the others were never touched
    expect(outcome.result).toBe('aborted');
    expect(outcome.exitCode).toBe(3);
    expect(world.installed['web-01']?.demo).toBe('1.1');
    expect(world.installed['web-02']?.demo).toBe('1.0');
    expect(world.outOfRotation()).toEqual([]);
    expect(events.filter((e) => e.type === 'run.stopping')).toEqual([expect.objectContaining({ force: false })]);
  });

  it('does nothing at all when the fleet already matches the commit', async () => {
    const { outcome, world } = await runScenario({ fixture: {}, installedDemo: '1.1' });
    expect(outcome.result).toBe('nothing-to-do');
    expect(outcome.exitCode).toBe(0);
    expect(world.log).toEqual([]);
  });

  it('takes an operator abort at any moment: hosts in flight finish, the batch is rolled back, the run ends aborted', async () => {
    // Given an abort sent while web-01 of batch 1 is upgrading (not at a gate)
    const abort = new AbortController();
    const { outcome, world, of } = await runScenario({
      fixture: { groups: [{ hosts: 4 }], batches: ['50%', '50%'], concurrency: 1 },
      control: { abort: abort.signal },
      onEvent: (event) => {
        if (event.type === 'host.upgrade.started' && event.host === 'web-01')
          abort.abort({ decision: 'abort', by: 'carol', reason: 'error rate up' });
      },
    });
    // Then web-01 finished and went back to 1.0, web-02 never started, batch 2 never ran, exit 3
    expect(outcome.result).toBe('aborted');
    expect(outcome.exitCode).toBe(3);
    expect(outcome.message).toBe('aborted by carol during batch 1; batch 1 rolled back');
    expect(Object.values(world.installed).map((v) => v.demo)).toEqual(['1.0', '1.0', '1.0', '1.0']);
    expect(world.log.some((line) => /web-0[234]/.test(line))).toBe(false);
    expect(world.outOfRotation()).toEqual([]);
    expect(of('gate.answered')).toMatchObject([{ decision: 'abort', by: 'carol', reason: 'error rate up', during: 1 }]);
  });
});
