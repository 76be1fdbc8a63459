import { describe, expect, it } from 'vitest';
import { allOn, rolloutFixture } from '../testing/rollout-builder.js';
import { planText } from '../ui/plan-text.js';
import { planRollout } from './planner.js';
import type { CordonNote } from './types.js';

const debugging: CordonNote = {
  target: 'web-03',
  kind: 'host',
  reason: 'debugging a leak',
  by: 'alice',
  since: '2026-12-08T10:00:00.000Z',
  until: '2026-12-08T14:00:00.000Z',
};

describe('a cordoned host in the plan', () => {
  it('given web-03 cordoned, when planned, then it is in no batch and the plan says why, by whom and until when', () => {
    const rollout = rolloutFixture({ groups: [{ hosts: 4 }], batches: ['50%', '50%'], maxUnavailable: 2 });

    const plan = planRollout(rollout, {
      installed: allOn(rollout, { demo: '1.0' }),
      cordoned: { 'web-03': debugging },
    });

    expect(plan.batches.flatMap((b) => b.hosts)).toEqual(['web-01', 'web-02', 'web-04']);
    expect(planText(plan)).toContain(
      '  web-03  skipped: (cordoned by alice: debugging a leak, until 2026-12-08T14:00:00.000Z)',
    );
  });

  it('given a cordoned host out of rotation, when planned, then it still counts against maxUnavailable', () => {
    const rollout = rolloutFixture({ groups: [{ hosts: 4 }], batches: [2], maxUnavailable: 2 });

    const plan = planRollout(rollout, {
      installed: allOn(rollout, { demo: '1.0' }),
      outOfRotation: ['web-03'],
      cordoned: { 'web-03': debugging },
    });

    expect(plan.groups[0]?.alreadyOut).toEqual(['web-03']);
    expect(plan.batches.map((b) => b.inFlight)).toEqual([1, 1]);
  });
});
