import { describe, expect, it } from 'vitest';
import { allOn, rolloutFixture } from '../testing/rollout-builder.js';
import { planRollout, plannedHosts } from './planner.js';
import { PLAN_VERSION } from './types.js';

const batchesOf = (plan: ReturnType<typeof planRollout>) => plan.batches.map((b) => b.hosts);

describe('planRollout', () => {
  it('splits four hosts into halves of 2 and 2', () => {
    // Given four hosts on demo 1.0 and taboot's halves
    const rollout = rolloutFixture({ groups: [{ hosts: 4 }], batches: ['50%', '50%'] });
    // When planned
    const plan = planRollout(rollout, { installed: allOn(rollout, { demo: '1.0' }) });
    // Then two batches in inventory order, each host upgrading 1.0 → 1.1
    expect(batchesOf(plan)).toEqual([
      ['web-01', 'web-02'],
      ['web-03', 'web-04'],
    ]);
    expect(plan.groups[0]?.maxUnavailable).toBe(2);
    expect(plan.groups[0]?.hosts[0]?.changes).toEqual([{ name: 'demo', from: '1.0', to: '1.1', kind: 'upgrade' }]);
    expect(plan.batches.map((b) => [b.index, b.groupBatch, b.groupBatches, b.inFlight])).toEqual([
      [1, 1, 2, 2],
      [2, 2, 2, 2],
    ]);
  });

  it('splits five hosts into 3 and 2, with at most 2 of them in flight (docs/rollout-repo.md)', () => {
    const rollout = rolloutFixture({ groups: [{ hosts: 5 }], batches: ['50%', '50%'], maxUnavailable: '50%' });
    const plan = planRollout(rollout, { installed: allOn(rollout, { demo: '1.0' }) });
    expect(batchesOf(plan).map((b) => b.length)).toEqual([3, 2]);
    expect(plan.groups[0]?.maxUnavailable).toBe(2);
    expect(plan.batches.map((b) => b.inFlight)).toEqual([2, 2]);
    expect(plan.warnings).toEqual([expect.stringContaining('maxUnavailable allows 2')]);
  });

  it('follows a canary list [1, "25%", "100%"] over eight hosts: 1, 2, then the rest', () => {
    const rollout = rolloutFixture({ groups: [{ hosts: 8 }], batches: [1, '25%', '100%'], maxUnavailable: '100%' });
    const plan = planRollout(rollout, { installed: allOn(rollout, { demo: '1.0' }) });
    expect(batchesOf(plan).map((b) => b.length)).toEqual([1, 2, 5]);
    expect(plan.batches[0]?.hosts).toEqual(['web-01']);
  });

  it('repeats the last batch size until every host has a batch', () => {
    const rollout = rolloutFixture({ groups: [{ hosts: 5 }], batches: [2], maxUnavailable: 2 });
    const plan = planRollout(rollout, { installed: allOn(rollout, { demo: '1.0' }) });
    expect(batchesOf(plan).map((b) => b.length)).toEqual([2, 2, 1]);
  });

  it('keeps in flight within maxUnavailable when it is smaller than a batch', () => {
    // Given one batch of all six hosts but maxUnavailable 1 and concurrency 10
    const rollout = rolloutFixture({ groups: [{ hosts: 6 }], batches: ['100%'], maxUnavailable: 1, concurrency: 10 });
    const plan = planRollout(rollout, { installed: allOn(rollout, { demo: '1.0' }) });
    // Then the batch keeps its hosts, but only one is worked on at a time
    expect(batchesOf(plan)).toHaveLength(1);
    expect(plan.batches[0]?.hosts).toHaveLength(6);
    expect(plan.batches[0]?.inFlight).toBe(1);
  });

  it('never lets maxUnavailable round down to zero', () => {
    const rollout = rolloutFixture({ groups: [{ hosts: 3 }], batches: [1], maxUnavailable: '10%' });
    const plan = planRollout(rollout, { installed: allOn(rollout, { demo: '1.0' }) });
    expect(plan.groups[0]?.maxUnavailable).toBe(1);
    expect(plan.batches.every((b) => b.inFlight === 1)).toBe(true);
  });

  it('counts hosts already out of rotation against maxUnavailable', () => {
    const rollout = rolloutFixture({ groups: [{ hosts: 6 }], batches: ['50%'], maxUnavailable: 2, concurrency: 3 });
    const plan = planRollout(rollout, { installed: allOn(rollout, { demo: '1.0' }), outOfRotation: ['web-06'] });
    expect(plan.groups[0]?.alreadyOut).toEqual(['web-06']);
    // Batch 1: web-06 holds one of the two slots. Batch 2 brings web-06 back: it is one of its two in flight.
    expect(plan.batches.map((b) => b.inFlight)).toEqual([1, 2]);
  });

  it('leaves converged hosts out of the batches, keeping batch sizes as shares of the group', () => {
    // Given web-01 and web-03 already on 1.1
    const rollout = rolloutFixture({ groups: [{ hosts: 6 }], batches: ['50%', '50%'] });
    const installed = allOn(rollout, { demo: '1.0' });
    installed['web-01'] = { demo: '1.1' };
    installed['web-03'] = { demo: '1.1' };
    const plan = planRollout(rollout, { installed });
    // Then they are marked converged and the other four fill batches of 3 then 1
    expect(plan.groups[0]?.hosts.filter((h) => h.converged).map((h) => h.name)).toEqual(['web-01', 'web-03']);
    expect(batchesOf(plan)).toEqual([['web-02', 'web-04', 'web-05'], ['web-06']]);
  });

  it('plans nothing when every host is at the committed versions (a re-run is a no-op)', () => {
    const rollout = rolloutFixture({ groups: [{ hosts: 4 }] });
    const plan = planRollout(rollout, { installed: allOn(rollout, { demo: '1.1' }) });
    expect(plan.batches).toEqual([]);
    expect(plannedHosts(plan)).toEqual([]);
  });

  it('plans a downgrade after a revert, and an install for a missing package', () => {
    // Given the committed version went back to 1.0 and a new package appeared
    const rollout = rolloutFixture({ groups: [{ hosts: 2, packages: { demo: '1.0', tools: '2.3-1' } }] });
    const plan = planRollout(rollout, { installed: allOn(rollout, { demo: '1.1', tools: null }) });
    expect(plan.groups[0]?.hosts[0]?.changes).toEqual([
      { name: 'demo', from: '1.1', to: '1.0', kind: 'downgrade' },
      { name: 'tools', from: null, to: '2.3-1', kind: 'install' },
    ]);
  });

  it('plans a resumed rollback back to the old versions, removing again what the release newly installed', () => {
    const rollout = rolloutFixture({ groups: [{ hosts: 2, packages: { demo: '1.2', tools: '2.3-1' } }] });
    const plan = planRollout(rollout, {
      installed: allOn(rollout, { demo: '1.2', tools: '2.3-1' }),
      targets: { 'web-01': { demo: '1.0', tools: null } },
      only: ['web-01'],
    });
    expect(plan.groups[0]?.hosts[0]?.changes).toEqual([
      { name: 'demo', from: '1.2', to: '1.0', kind: 'downgrade' },
      { name: 'tools', from: '2.3-1', to: null, kind: 'remove' },
    ]);
    expect(plan.batches.flatMap((batch) => batch.hosts)).toEqual(['web-01']);
  });

  it('plans groups one after the other, numbering batches over the whole rollout', () => {
    const rollout = rolloutFixture({
      groups: [
        { name: 'web', hosts: 2 },
        { name: 'api', hosts: 3, packageManager: 'dnf', packages: { demo: '1.1-2' } },
      ],
      batches: ['50%'],
    });
    const installed = { ...allOn(rollout, { demo: '1.0' }) };
    const plan = planRollout(rollout, { installed });
    expect(
      plan.batches.map((b) => `${b.index}:${b.group}:${b.groupBatch}/${b.groupBatches}:${b.hosts.length}`),
    ).toEqual(['1:web:1/2:1', '2:web:2/2:1', '3:api:1/2:2', '4:api:2/2:1']);
  });

  it('is a serialisable, versioned value', () => {
    const rollout = rolloutFixture();
    const plan = planRollout(rollout, { installed: allOn(rollout, { demo: '1.0' }) });
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(plan.version).toBe(PLAN_VERSION);
    expect(plan.commit.subject).toBe('Release demo 1.1');
  });

  it('carries every decision the run takes: gates per batch, timeouts, checks, load balancers, who runs commands', () => {
    // Given a rollout with approval gates, sudo and one HTTP check
    const check = { kind: 'tcp' as const, port: 8080, timeoutMs: 2_000 };
    const rollout = rolloutFixture({
      groups: [{ hosts: 6, checks: [check] }],
      batches: [1, '50%'],
      pause: { kind: 'approve' },
      become: 'sudo',
      successThreshold: 3,
    });
    // When planned
    const plan = planRollout(rollout, { installed: allOn(rollout, { demo: '1.0' }) });
    // Then each batch says what follows it, and the last is followed by nothing
    expect(plan.batches.map((b) => b.gate.kind)).toEqual(['approve', 'approve', 'none']);
    // And what the executor needs is in the plan, not only in the spec
    expect(plan.health).toEqual({ intervalMs: 1_000, timeoutMs: 60_000, successThreshold: 3 });
    expect(plan.drain).toEqual({ timeoutMs: 30_000 });
    expect(plan.access).toEqual({ user: 'root', become: 'sudo' });
    expect(plan.groups[0]?.checks).toEqual([check]);
    expect(Object.keys(plan.loadBalancers)).toEqual(['edge']);
    expect(plan.purpose).toBe('release');
  });

  it('skips every pause gate when asked (revert --fast), visibly in the plan', () => {
    const rollout = rolloutFixture({ groups: [{ hosts: 4 }], pause: { kind: 'timed', ms: 60_000 } });
    const plan = planRollout(rollout, { installed: allOn(rollout, { demo: '1.0' }) }, { skipPauses: true });
    expect(plan.batches.map((b) => b.gate.kind)).toEqual(['none', 'none']);
    expect(plan.strategy.pause).toEqual({ kind: 'none' });
  });

  it('marks a resumed rollback as such', () => {
    const rollout = rolloutFixture();
    const plan = planRollout(rollout, { installed: allOn(rollout, { demo: '1.0' }) }, { purpose: 'rollback' });
    expect(plan.purpose).toBe('rollback');
  });

  it('counts a host DOWN on its load balancer against the cap, and says so', () => {
    // Given six hosts, cap 50% (3), and web-06 already on 1.1 but DOWN
    const rollout = rolloutFixture({ groups: [{ hosts: 6 }], batches: ['50%', '50%'], maxUnavailable: '50%' });
    const installed = { ...allOn(rollout, { demo: '1.0' }), 'web-06': { demo: '1.1' } };
    const plan = planRollout(rollout, { installed, notServing: ['web-06'] });
    // Then only two of each batch can be out at once beside it, and the plan names it
    expect(plan.groups[0]?.notServing).toEqual(['web-06']);
    expect(plan.batches.map((b) => b.inFlight)).toEqual([2, 2]);
    expect(plan.warnings.join('\n')).toContain('web-06 is in rotation but DOWN on a load balancer');
  });
});
