/**
 * What `watch --listen` serves beside the webhook — /metrics and /healthz —
 * on a real socket, fed by a real cycle on real Git (no playbook, so nothing
 * reaches SSH; runs against the fleet are test/e2e/watch-metrics.e2e.test.ts).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitSandbox, type GitSandbox, type TestRepo } from '../records/testing/git-fixture.js';
import { waitFor } from '../../test/fleet/wait.js';
import type { WatchEvent } from './watch/events.js';
import { watchService } from './watch-service.js';

describe('watchService --listen: /metrics and /healthz', () => {
  let sandbox: GitSandbox;
  let watched: TestRepo;
  let secretFile: string;
  let stop: AbortController;

  beforeEach(async () => {
    sandbox = await createGitSandbox();
    [watched] = (await sandbox.shared(['watched'])).clones as [TestRepo];
    secretFile = join(sandbox.root, 'webhook-secret');
    await writeFile(secretFile, 'a secret\n', { mode: 0o600 });
    stop = new AbortController();
  });
  afterEach(async () => {
    stop.abort();
    await sandbox.cleanup();
  });

  it('Given a watcher serving the webhook, When its first cycle has ended, Then /healthz is 200 ok and /metrics counts the cycle; stopped, the socket closes', async () => {
    // Given
    const events: WatchEvent[] = [];
    const done = watchService(
      {
        repoDir: watched.dir,
        remote: 'origin',
        intervalMs: 3_600_000,
        driftAlertAfterMs: 0,
        selfHeal: false,
        yes: false,
        once: false,
        listen: { host: '127.0.0.1', port: 0 },
        secretFile,
      },
      {
        onEvent: (event) => events.push(event),
        runListeners: () => [],
        onWarning: () => {},
        stop: stop.signal,
        force: new AbortController().signal,
      },
    );
    const address = await waitFor(
      () => events.flatMap((event) => (event.type === 'watch.started' ? [event.webhook] : []))[0],
      { what: 'watch started' },
    );
    const page = (path: string) => fetch(new URL(path, address));

    // When
    const metrics = await waitFor(
      async () => {
        const text = await (await page('/metrics')).text();
        return text.includes('lieutenant_watch_cycles_total 1') ? text : undefined;
      },
      { what: 'the first cycle counted' },
    );
    const health = await page('/healthz');

    // Then
    expect(metrics).toMatch(/^lieutenant_watch_last_cycle_timestamp_seconds \d+(\.\d+)?$/m);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', cycle: 'idle', cycles: 1 });

    stop.abort();
    expect(await done).toEqual({ ok: true, value: { exitCode: 0 } });
    await expect(page('/healthz')).rejects.toThrow();
  });
});
