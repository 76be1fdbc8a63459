import { describe, expect, it } from 'vitest';
import { rolloutFixture } from '../testing/rollout-builder.js';
import { OWN_FILES, openFileNeeds, openFilesNeeded, openFilesProblem } from './open-files.js';

describe('open files a run needs', () => {
  const rollout = rolloutFixture({ groups: [{ hosts: 1_000 }], concurrency: 50 });

  it('Given 1,000 hosts reached directly, When the limit is 1,024, Then the run is refused (exit 2) saying how many it needs and what to change', () => {
    const needs = openFileNeeds(rollout, 1_000);
    const needed = openFilesNeeded(needs);
    expect(needed).toBe(OWN_FILES + 1_000 + needs.loadBalancers + 50);
    const problem = openFilesProblem('staging', needs, { soft: 1_024, hard: 1_024 });
    expect(problem?.exitCode).toBe(2);
    expect(problem?.message).toBe(
      `staging needs about ${needed} open files but this process may open 1024 (ulimit -n); nothing was changed on any host`,
    );
    expect(problem?.details[0]).toBe(
      '1000 SSH connections, kept open for the run (one per host, or one per jump host for the hosts behind it)',
    );
    expect(problem?.details[2]).toContain(`ulimit -n ${needed} in the shell that runs lieutenant`);
  });

  it('Given the same hosts behind one jump host, or a limit that fits, or no limit known, When checked, Then it runs', () => {
    expect(openFilesProblem('staging', openFileNeeds(rollout, 1), { soft: 1_024, hard: 1_024 })).toBeUndefined();
    const direct = openFileNeeds(rollout, 1_000);
    expect(openFilesProblem('staging', direct, { soft: openFilesNeeded(direct), hard: 20_000 })).toBeUndefined();
    expect(openFilesProblem('staging', direct, undefined)).toBeUndefined();
  });
});
