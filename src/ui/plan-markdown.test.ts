import { describe, expect, it } from 'vitest';
import { planRollout } from '../plan/planner.js';
import { allOn, rolloutFixture } from '../testing/rollout-builder.js';
import { planMarkdown } from './plan-markdown.js';

describe('planMarkdown (a pull-request comment)', () => {
  it('given 24 web hosts (2 already on the release) and 2 api hosts, when rendered, then changes are counted per group and long host lists fold (golden)', () => {
    // Given a release of demo 1.1 to 24 web hosts and 2 api hosts, web-01 and web-02 already on it
    const rollout = rolloutFixture({
      groups: [{ hosts: 24 }, { name: 'api', hosts: 2, packages: { demo: '1.1', 'demo-addon': '1.0' } }],
      batches: ['50%', '50%'],
      maxUnavailable: '50%',
      pause: { kind: 'approve' },
    });
    const installed = { ...allOn(rollout, { demo: '1.0', 'demo-addon': null }) };
    installed['web-01'] = { demo: '1.1' };
    installed['web-02'] = { demo: '1.1' };
    const plan = planRollout(rollout, { installed });

    // When rendered as markdown
    const text = planMarkdown(plan).join('\n');

    // Then: a title, counts per change, batches with their gates, folded beyond 20 hosts
    const web = Array.from({ length: 22 }, (_, i) => `web-${String(i + 3).padStart(2, '0')}`).join(', ');
    expect(text).toBe(
      [
        '### Plan: web on staging at <code>c0ffee0</code> Release demo 1.1',
        '',
        '**24 of 26 hosts change**.',
        '',
        '| group | manager | change | hosts | which |',
        '|---|---|---|---|---|',
        '| web | apt | unchanged | 2 | web-01, web-02 |',
        `| web | apt | demo 1.0 → 1.1 \\(upgrade\\) | 22 | <details><summary>22 hosts</summary>\n\n${web}\n\n</details> |`,
        '| api | apt | demo 1.0 → 1.1 \\(upgrade\\), demo-addon install 1.0 | 2 | api-01, api-02 |',
        '',
        '**4 batches** (concurrency 10, maxUnavailable 50%, onFailure rollback):',
        '',
        '1. web, 10 at once; then approve: web-03, web-04, web-05, web-06, web-07, web-08, web-09, web-10, web-11, web-12, web-13, web-14',
        '2. web, 10 at once; then approve: web-15, web-16, web-17, web-18, web-19, web-20, web-21, web-22, web-23, web-24',
        '3. api, 1 at once; then approve: api-01',
        '4. api, 1 at once: api-02',
      ].join('\n'),
    );
  });
});
