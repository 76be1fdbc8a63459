/**
 * executePlan when the world is not as the run left it: a load balancer that
 * serves fewer hosts than the run thinks, one that restarts and forgets what
 * was taken out, a package an interrupted install left unfinished. The
 * ordinary course of a run is execute.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from './testing/run-scenario.js';

describe('executePlan in a world that changed under it', () => {
  describe('capacity is what the load balancer serves, not what the run did', () => {
    it('counts a host DOWN before the run against the cap, and ends degraded while it is still down', async () => {
      // Given five hosts, cap 2, and web-05 (already on 1.1) DOWN by the load balancer's checks before the run
      const { outcome, world } = await runScenario({
        fixture: { groups: [{ hosts: 5 }], batches: ['50%', '50%'], maxUnavailable: 2 },
        installedOn: { 'web-05': '1.1' },
        world: { down: ['web-05'], maxOut: 2 },
      });
      // Then never more than two servers were out counting web-05: the run's own hosts went one at a time
      expect(world.violations).toEqual([]);
      expect(world.peakOut).toBe(2);
      // And the run does not call a fleet with a dead host a success
      expect(outcome.result).toBe('degraded');
      expect(outcome.exitCode).toBe(1);
      expect(outcome.message).toContain('web-05 DOWN on edge');
      expect(Object.values(world.installed).map((v) => v.demo)).toEqual(['1.1', '1.1', '1.1', '1.1', '1.1']);
    });

    it('counts a host that died after its return, so the next batch never exceeds the cap', async () => {
      // Given four hosts in halves, cap 2, and web-01 dying right after it is back in rotation
      const died: string[] = [];
      const { outcome, world } = await runScenario({
        fixture: { groups: [{ hosts: 4 }], batches: ['50%', '50%'], maxUnavailable: 2 },
        world: { maxOut: 2 },
        onEvent: (event) => {
          if (event.type === 'host.return.finished' && event.host === 'web-01') died.push(event.host);
        },
        afterEvent: (event, world) => {
          if (event.type === 'host.return.finished' && event.host === 'web-01') world.sicken('web-01');
        },
      });
      expect(died).toEqual(['web-01']);
      // Then batch 2 worked one host at a time beside the dead web-01, and the run ends degraded, naming it
      expect(world.violations).toEqual([]);
      expect(outcome.result).toBe('degraded');
      expect(outcome.message).toContain('web-01 DOWN on edge');
      expect(world.installed['web-04']?.demo).toBe('1.1');
    });

    it('stops with a message naming the sick hosts when they hold the cap for longer than it waits', async () => {
      // Given cap 1, and web-04 DOWN before the run: no host of ours can leave rotation
      const { outcome, world, of } = await runScenario({
        fixture: { groups: [{ hosts: 4 }], batches: ['50%', '50%'], maxUnavailable: 1 },
        installedOn: { 'web-04': '1.1' },
        world: { down: ['web-04'], maxOut: 1 },
      });
      // Then nothing was drained, and the run failed saying who holds the cap
      expect(world.violations).toEqual([]);
      expect(world.log.filter((line) => / (drain|maint)$/.test(line))).toEqual([]);
      expect(outcome.exitCode).toBe(1);
      expect(
        of('log')
          .map((e) => e.message)
          .join('\n'),
      ).toContain('web-04 DOWN on edge — not serving');
    });
  });

  describe('keeps out what it took out, whatever restarts the load balancer', () => {
    it('puts a host back in maint before installing when a restart made it ready after its drain', async () => {
      // Given the load balancer restarts (every server back ready) right after web-01 was drained
      const { outcome, world, of } = await runScenario({
        fixture: { groups: [{ hosts: 4 }], batches: ['50%', '50%'], concurrency: 1 },
        afterEvent: (event, world) => {
          if (event.type === 'host.drain.finished' && event.host === 'web-01') world.restartLoadBalancer();
        },
      });
      // Then web-01 was taken out again before its install, the incident is journaled, and nothing ran on a serving host
      expect(world.violations).toEqual([]);
      expect(of('host.rotation.reasserted').map((e) => [e.host, e.found, e.ok])).toEqual([
        ['web-01', 'UP (ready)', true],
      ]);
      const log = world.log.join('\n');
      expect(log.indexOf('lb restarted')).toBeLessThan(log.lastIndexOf('lb web-01 maint'));
      expect(log.lastIndexOf('lb web-01 maint')).toBeLessThan(log.indexOf('install web-01'));
      expect(outcome.result).toBe('succeeded');
    });

    it('notices a restart during a health gate and re-asserts every held host, naming the restart', async () => {
      // Given a restart while web-01's health gate runs (a slow check: several rounds)
      let restarted = false;
      const { world, of } = await runScenario({
        fixture: { groups: [{ hosts: 4 }], batches: ['50%', '50%'], successThreshold: 5 },
        afterEvent: (event, world) => {
          if (!restarted && event.type === 'host.health.checked' && event.host === 'web-01') {
            restarted = true;
            world.restartLoadBalancer();
          }
        },
      });
      expect(world.violations).toEqual([]);
      // The hosts in flight were put back in maint, and the journal says why
      expect(
        of('host.rotation.reasserted')
          .map((e) => e.host)
          .sort(),
      ).toEqual(['web-01', 'web-02']);
      expect(of('lb.restarted').map((e) => e.loadBalancer)).toEqual(['edge']);
    });
  });

  describe('a package an interrupted install left unfinished', () => {
    it('is repaired when it is already at the committed version, not skipped as unchanged', async () => {
      // Given web-01 has demo 1.1 unpacked but not configured (an install was killed), and 1.1 is committed
      const { outcome, world, plan } = await runScenario({
        fixture: { groups: [{ hosts: 2 }], batches: ['100%'] },
        installedOn: { 'web-01': '1.1' },
        unsettledOn: { 'web-01': { demo: 'unpacked' } },
      });
      // Then the plan says so, and the run installs it properly out of rotation
      expect(plan.groups[0]?.hosts[0]?.changes).toEqual([
        { name: 'demo', from: '1.1', to: '1.1', kind: 'repair', unsettled: 'unpacked' },
      ]);
      expect(outcome.result).toBe('succeeded');
      expect(world.log).toContain('install web-01 demo=1.1');
      expect(world.unsettled['web-01']).toBeUndefined();
      expect(world.violations).toEqual([]);
    });

    it('is rolled back to its version, never removed, when the release fails', async () => {
      // Given web-01 has demo 1.0 half-configured, and the broken 1.2 is committed
      const { outcome, world, of } = await runScenario({
        fixture: { groups: [{ hosts: 2, packages: { demo: '1.2' } }], batches: ['100%'], onFailure: 'rollback' },
        world: { broken: ['1.2'] },
        unsettledOn: { 'web-01': { demo: 'half-configured' } },
      });
      // Then the rollback installs 1.0 again: the package was there before the run, so it stays
      expect(outcome.result).toBe('rolled-back');
      expect(of('host.rollback.started').find((e) => e.host === 'web-01')?.to).toEqual({ demo: '1.0' });
      expect(world.installed['web-01']?.demo).toBe('1.0');
      expect(world.outOfRotation()).toEqual([]);
    });
  });
});
