import { describe, expect, it } from 'vitest';
import { createLineRenderer } from './lines.js';
import { scenario } from './run-events.fixture.js';
import { collectingStream } from './collect.fixture.js';

const render = (events: ReturnType<ReturnType<typeof scenario>['success']>) => {
  const { stream, text } = collectingStream();
  const listener = createLineRenderer(stream, { timeZone: 'UTC' });
  events.forEach(listener);
  return text();
};

describe('line renderer', () => {
  it('given a successful run in halves, when rendered, then it reads one line per meaningful step and ends with how to roll back', () => {
    const output = render(scenario({ hosts: 3, batchSizes: [2, 1] }).success());
    expect(output).toMatchInlineSnapshot(`
      "[12:00:00] run run-1: web on staging at a1b2c3d "web: demo 1.1" by alice — 3 hosts to change in 2 batches
      [12:00:01] preflight ok
      [12:00:02] batch 1/2 web: web-01 web-02
      [12:00:03] web-01 draining (edge)
      [12:00:04] web-01 out of rotation
      [12:00:08] web-01 demo 1.0 → 1.1
      [12:00:11] web-01 healthy (2/2)
      [12:00:13] web-01 back in rotation
      [12:00:15] web-02 draining (edge)
      [12:00:16] web-02 out of rotation
      [12:00:20] web-02 demo 1.0 → 1.1
      [12:00:23] web-02 healthy (2/2)
      [12:00:25] web-02 back in rotation
      [12:00:27] batch 1/2 done
      [12:00:28] gate: batch 1/2 done — 2 hosts healthy on demo 1.1; waiting for approval (lieutenant approve run-1, from any clone)
      [12:00:48] gate approved by bob: "graphs look fine"
      [12:00:49] batch 2/2 web: web-03
      [12:00:50] web-03 draining (edge)
      [12:00:51] web-03 out of rotation
      [12:00:55] web-03 demo 1.0 → 1.1
      [12:00:58] web-03 healthy (2/2)
      [12:01:00] web-03 back in rotation
      [12:01:02] batch 2/2 done
      [12:01:03] done in 1m 03s: 3 hosts on demo 1.1
                 hosts: 3 changed
                 to roll back: lieutenant revert a1b2c3d --run
      "
    `);
  });

  it('given a failed host with rollback, when rendered, then the failure, the rollback and the result are spelled out', () => {
    const output = render(scenario({ hosts: 4 }).failure());
    expect(output).toMatchInlineSnapshot(`
      "[12:00:00] run run-1: web on staging at a1b2c3d "web: demo 1.1" by alice — 4 hosts to change in 2 batches
      [12:00:01] preflight ok
      [12:00:02] batch 1/2 web: web-01 web-02
      [12:00:03] web-01 draining (edge)
      [12:00:04] web-01 out of rotation
      [12:00:08] web-01 demo 1.0 → 1.1
      [12:00:11] web-01 healthy (2/2)
      [12:00:13] web-01 back in rotation
      [12:00:15] web-02 draining (edge)
      [12:00:16] web-02 out of rotation
      [12:00:20] web-02 demo 1.0 → 1.1
      [12:00:21] web-02 http: GET /health answered 500 (0/2)
      [12:00:23] web-02 unhealthy: GET /health answered 500 for 60s
      [12:00:24] web-02 failed at health: GET /health answered 500 for 60s (out of rotation)
      [12:00:25] web-01 rolling back to demo 1.0
      [12:00:26] web-01 draining (edge)
      [12:00:28] web-01 demo 1.1 → 1.0
      [12:00:31] web-01 healthy (2/2)
      [12:00:33] web-01 back in rotation
      [12:00:34] web-01 rolled back
      [12:00:35] web-02 rolling back to demo 1.0
      [12:00:37] web-02 demo 1.1 → 1.0
      [12:00:40] web-02 healthy (2/2)
      [12:00:42] web-02 back in rotation
      [12:00:43] web-02 rolled back
      [12:00:44] batch 1/2 failed
      [12:00:45] failed, rolled back in 45s: web-02 failed its health gate; batch 1 rolled back
                 hosts: 0 changed, 2 rolled back
      "
    `);
  });

  it('given a halted run, when rendered, then the summary names the host left out of rotation', () => {
    const output = render(scenario({ hosts: 4, onFailure: 'halt' }).failure());
    expect(output.split('\n').slice(-5).join('\n')).toMatchInlineSnapshot(`
      "[12:00:26] failed, halted in 26s: web-02 failed its health gate; left out of rotation
                 hosts: 1 changed, 1 failed
                 out of rotation: web-02 (web) — GET /health answered 500 for 60s; see lieutenant status
                 to roll back: lieutenant revert a1b2c3d --run
      "
    `);
  });

  it('given a timed gate, when rendered, then it says when the run continues', () => {
    const output = render(scenario({ hosts: 2, pause: 'timed' }).untilGate());
    expect(output.trim().split('\n').at(-1)).toMatchInlineSnapshot(
      `"[12:00:16] gate: batch 1/2 done — 1 host healthy on demo 1.1; continuing in 30s (lieutenant approve to go now, lieutenant abort to stop)"`,
    );
  });
});
