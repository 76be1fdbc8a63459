import { describe, expect, it } from 'vitest';
import { planRollout } from '../plan/planner.js';
import { allOn, rolloutFixture } from '../testing/rollout-builder.js';
import { planText } from './plan-text.js';

describe('planText', () => {
  it('shows per-host changes, converged hosts and the batches', () => {
    // Given five hosts, one already on 1.1
    const rollout = rolloutFixture({ groups: [{ hosts: 5 }], pause: { kind: 'approve' } });
    const installed = allOn(rollout, { demo: '1.0' });
    installed['web-05'] = { demo: '1.1' };
    // When the plan is printed
    const text = planText(planRollout(rollout, { installed })).join('\n');
    // Then
    expect(text).toMatchInlineSnapshot(`
      "Plan for web on staging at c0ffee0 "Release demo 1.1"

      group web (apt, 5 hosts, 4 to change, at most 2 out of rotation, load balancers: edge)
        web-01  demo 1.0 → 1.1 (upgrade)
        web-02  demo 1.0 → 1.1 (upgrade)
        web-03  demo 1.0 → 1.1 (upgrade)
        web-04  demo 1.0 → 1.1 (upgrade)
        web-05  unchanged (already at the committed versions)

      2 batches (batches 50%, 50%; concurrency 10; maxUnavailable 50%; pause approve; onFailure rollback):
        1/2 web: web-01 web-02 web-03  (2 at once; then approve)
        2/2 web: web-04  (1 at once)
      each host: drain (up to 30s), install, health gate (1 pass in a row, every 1s, within 1m), back in rotation
      warning: web: batches of up to 3 hosts, but maxUnavailable allows 2 out of rotation at once; hosts inside a batch will wait for each other"
    `);
  });

  it('names installs and removals plainly (a resumed rollback removes what a release newly installed)', () => {
    const rollout = rolloutFixture({ groups: [{ hosts: 2, packages: { demo: '1.1', tools: '2.3-1' } }] });
    const installed = allOn(rollout, { demo: '1.0', tools: null });
    installed['web-02'] = { demo: '1.1', tools: '2.3-1' };
    const text = planText(planRollout(rollout, { installed, targets: { 'web-02': { demo: '1.0', tools: null } } }));
    expect(text).toContain('  web-01  demo 1.0 → 1.1 (upgrade), tools install 2.3-1');
    expect(text).toContain('  web-02  demo 1.1 → 1.0 (downgrade), tools 2.3-1 removed');
  });

  it('says when there is nothing to do', () => {
    const rollout = rolloutFixture();
    const text = planText(planRollout(rollout, { installed: allOn(rollout, { demo: '1.1' }) }));
    expect(text).toContain('Nothing to do: every host already matches this commit.');
  });

  it('shows the analysis after each batch, its metrics and what an inconclusive one does', () => {
    const rollout = rolloutFixture({
      pause: { kind: 'approve' },
      analysis: {
        intervalMs: 10_000,
        count: 6,
        onInconclusive: 'pause',
        metrics: [
          {
            name: 'errors',
            source: { kind: 'haproxy', measure: 'http5xxRate', minRequests: 20, baseline: true },
            pass: { op: '<', value: 0.05 },
            fail: { op: '>=', value: 0.2 },
            failureLimit: 0,
            inconclusiveLimit: 0,
          },
        ],
      },
    });
    const text = planText(planRollout(rollout, { installed: allOn(rollout, { demo: '1.0' }) }));
    expect(text).toContain('  1/2 web: web-01 web-02  (2 at once; then analysis, approve)');
    expect(text).toContain('  2/2 web: web-03 web-04  (2 at once; then analysis)');
    expect(text).toContain(
      'analysis once a batch is back: 6 measurements every 10s of errors (haproxy http5xxRate vs baseline: pass < 0.05, fail >= 0.2); inconclusive → pause',
    );
  });
});
