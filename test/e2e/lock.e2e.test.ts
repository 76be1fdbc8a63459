/**
 * One run per environment (docs/safety.md): a second run while the first waits at
 * its pause gate is refused with exit 4, naming the holder; the first is then
 * answered from "another terminal" with `lieutenant abort`.
 */
import { describe, expect, it } from 'vitest';
import { INITIAL_VERSION } from '../fleet/fleet.js';
import { waitFor } from '../fleet/wait.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { eventsOf, runLieutenant, startLieutenant } from './support/lieutenant.js';
import { commitVersion } from './support/rollout-repo.js';

const given = useFreshFleet();

describe('two runs at once against the fleet', () => {
  it('given a run waiting at its approve gate, when a second run starts, then it exits 4 naming the holder; and when the first is aborted, it exits 3 and rolls its batch back', async () => {
    // Given: the first run, without --yes, stops at the gate after batch 1.
    const hosts = hostNames(given.fleet);
    const repo = await given.repo({
      playbook: { strategy: { batches: ['50%', '50%'], maxUnavailable: '50%', pause: 'approve' } },
    });
    await commitVersion(repo, '1.1');
    const first = startLieutenant(['run', 'web', '--json'], { repo });
    const exitedEarly = first.result.then(
      (result) => `the first run ended before its gate (exit ${result.code}): ${result.output}`,
    );
    const waiting = await Promise.race([
      waitFor(() => eventsOf(first.events(), 'gate.waiting')[0], {
        what: 'the first run to wait at its gate',
        timeoutMs: 60_000,
      }),
      exitedEarly.then((why) => Promise.reject(new Error(why))),
    ]);
    expect(waiting.afterBatch).toBe(1);
    const runId = waiting.runId;
    expect(await installedVersions(given.fleet)).toEqual({
      ...allOn(hosts.slice(0, 3), '1.1'),
      ...allOn(hosts.slice(3), INITIAL_VERSION),
    });

    // When: a second run on the same environment
    const second = await runLieutenant(['run', 'web', '--yes'], { repo });

    // Then: refused, naming who holds the lock
    expect(second.code, second.output).toBe(4);
    expect(second.output).toContain(runId);
    expect(second.output).toContain(String(process.pid));

    // When: the first is aborted from "another terminal"
    const abort = await runLieutenant(['abort'], { repo });
    expect(abort.code, abort.output).toBe(0);
    const done = await first.result;

    // Then: exit 3, its batch rolled back, the second batch never touched
    expect(done.code, done.output).toBe(3);
    expect(eventsOf(done.events, 'gate.answered').map((event) => event.decision)).toEqual(['abort']);
    expect(eventsOf(done.events, 'run.finished').map((event) => event.result)).toEqual(['aborted']);
    expect(eventsOf(done.events, 'batch.started')).toHaveLength(1);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));

    // And the lock is free again: a plan of the same environment goes through.
    const after = await runLieutenant(['plan', 'web'], { repo });
    expect(after.code, after.output).toBe(0);
  });
});
