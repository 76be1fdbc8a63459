import { describe, expect, it } from 'vitest';
import { createJsonRenderer } from './json.js';
import { scenario } from './run-events.fixture.js';
import { collectingStream } from './collect.fixture.js';

describe('--json renderer', () => {
  it('given a run, when rendered, then each line is one event exactly as emitted, followed by a summary object', () => {
    // Given
    const events = scenario({ hosts: 4 }).success();
    const { stream, text } = collectingStream();
    // When
    events.forEach(createJsonRenderer(stream));
    // Then
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(events.length + 1);
    expect(lines.slice(0, -1).map((line) => JSON.parse(line))).toEqual(events);
    const summary = JSON.parse(lines.at(-1) ?? '');
    expect(summary).toMatchInlineSnapshot(`
      {
        "approvals": [
          {
            "afterBatch": 1,
            "at": "2025-05-01T12:00:48.000Z",
            "by": "bob",
            "decision": "approve",
            "reason": "graphs look fine",
          },
        ],
        "changed": [
          "web-01",
          "web-02",
          "web-03",
          "web-04",
        ],
        "commit": {
          "sha": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
          "short": "a1b2c3d",
          "subject": "web: demo 1.1",
        },
        "durationMs": 75000,
        "environment": "staging",
        "exitCode": 0,
        "hosts": {
          "changed": 4,
          "failed": 0,
          "rolledBack": 0,
          "unchanged": 0,
        },
        "hostsOut": [],
        "message": "4 hosts on demo 1.1",
        "operator": "alice",
        "result": "succeeded",
        "revert": "lieutenant revert a1b2c3d --run",
        "rollout": "web",
        "runId": "run-1",
        "text": [
          "done in 1m 15s: 4 hosts on demo 1.1",
          "hosts: 4 changed",
          "to roll back: lieutenant revert a1b2c3d --run",
        ],
        "type": "summary",
      }
    `);
  });

  it('given a run that rolled back, when rendered, then the summary has no revert hint (nothing changed) and exit code 1', () => {
    const { stream, text } = collectingStream();
    scenario({ hosts: 4 }).failure().forEach(createJsonRenderer(stream));
    const summary = JSON.parse(text().trimEnd().split('\n').at(-1) ?? '');
    expect(summary).toMatchObject({
      type: 'summary',
      result: 'rolled-back',
      exitCode: 1,
      changed: [],
      hosts: { rolledBack: 2 },
    });
    expect(summary.revert).toBeUndefined();
  });
});
