/**
 * The service's plumbing on real Git and a real webhook socket. The rollout
 * repo here has an inventory and no playbook, so nothing ever reaches SSH:
 * runs and drift against a real fleet are test/e2e/watch.e2e.test.ts.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createGitSandbox,
  inventoryYaml,
  playbookYaml,
  type GitSandbox,
  type TestRepo,
} from '../records/testing/git-fixture.js';
import { deployedCommit } from '../records/deploy/deployed.js';
import { signBody } from './watch/listener/webhook.js';
import { waitFor } from '../../test/fleet/wait.js';
import type { WatchEvent } from './watch/events.js';
import { watchService, type WatchRequest } from './watch-service.js';

const SECRET = 'correct horse battery staple';

describe('watchService', () => {
  let sandbox: GitSandbox;
  let watched: TestRepo;
  let author: TestRepo;
  let secretFile: string;
  let stop: AbortController;
  let events: WatchEvent[];

  const request = (overrides: Partial<WatchRequest> = {}): WatchRequest => ({
    repoDir: watched.dir,
    intervalMs: 3_600_000,
    driftAlertAfterMs: 0,
    selfHeal: false,
    yes: false,
    once: false,
    ...overrides,
  });
  const start = (overrides: Partial<WatchRequest> = {}) => {
    const warnings: string[] = [];
    const done = watchService(request(overrides), {
      onEvent: (event) => events.push(event),
      runListeners: () => [],
      onWarning: (warning) => warnings.push(warning),
      stop: stop.signal,
      force: new AbortController().signal,
    });
    return { done, warnings };
  };
  const eventsOf = <T extends WatchEvent['type']>(type: T) =>
    events.filter((event): event is Extract<WatchEvent, { type: T }> => event.type === type);

  beforeEach(async () => {
    sandbox = await createGitSandbox();
    [watched, author] = (await sandbox.shared(['watched', 'author'])).clones as [TestRepo, TestRepo];
    secretFile = join(sandbox.root, 'webhook-secret');
    await writeFile(secretFile, `${SECRET}\n`, { mode: 0o600 });
    stop = new AbortController();
    events = [];
  });
  afterEach(async () => {
    stop.abort();
    await sandbox.cleanup();
  });

  it('given a folder that is not a Git repository, then bad input (exit 2) and nothing starts', async () => {
    const done = await start({ repoDir: sandbox.root }).done;
    expect(done).toEqual({
      ok: false,
      error: {
        exitCode: 2,
        message: `${sandbox.root} is not a Git repository (--repo DIR names the rollout repo)`,
        details: [],
      },
    });
    expect(events).toEqual([]);
  });

  it('given a remote the repo lacks, then bad input naming the remotes it has', async () => {
    const done = await start({ remote: 'upstream' }).done;
    expect(done.ok).toBe(false);
    if (!done.ok)
      expect(done.error).toMatchObject({
        exitCode: 2,
        message: 'the rollout repo has no remote upstream (remotes: origin)',
      });
  });

  it('given --listen with an empty secret file, then bad input and no server', async () => {
    await writeFile(secretFile, '\n');
    const done = await start({ listen: { host: '127.0.0.1', port: 0 }, secretFile }).done;
    expect(done.ok).toBe(false);
    if (!done.ok)
      expect(done.error).toMatchObject({ exitCode: 2, message: `the webhook secret file ${secretFile} is empty` });
  });

  it('given a secret file others may read, then a warning', async () => {
    await chmod(secretFile, 0o644);
    const watch = start({ listen: { host: '127.0.0.1', port: 0 }, secretFile });
    await waitFor(() => eventsOf('watch.started').length > 0, { what: 'watch started' });
    stop.abort();
    await watch.done;
    expect(watch.warnings).toEqual([`the webhook secret file ${secretFile} is readable by others; chmod 600 it`]);
  });

  it('given --once, then one cycle and the exit code, with the local branch followed when no remote is named', async () => {
    const done = await start({ once: true }).done;
    expect(done).toEqual({ ok: true, value: { exitCode: 0 } });
    expect(events.map((event) => event.type)).toEqual(['watch.started', 'watch.stopped']);
    expect(eventsOf('watch.started')[0]).toMatchObject({ branch: 'main', remote: undefined, webhook: undefined });
  });

  it('given a new head inside a freeze window, then its run is blocked with exit 5 and the window, and nothing is deployed', async () => {
    // Given: a release on the followed branch, its inventory frozen from yesterday to tomorrow
    const day = 86_400_000;
    const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const frozen = [
      inventoryYaml('staging').trimEnd(),
      'freeze:',
      `  - { reason: "year-end change freeze", from: "${date(Date.now() - day)}", to: "${date(Date.now() + day)}" }`,
      '',
    ].join('\n');
    await author.commit('web: demo 1.1 during the freeze', {
      'inventories/staging.yaml': frozen,
      'playbooks/web.yaml': playbookYaml({ rollout: 'web', inventory: 'staging', version: '1.1' }),
    });
    await author.git.push('origin', 'main');

    // When: one cycle
    const done = await start({ once: true, remote: 'origin' }).done;

    // Then: blocked by the window, never run, and watch says so
    expect(eventsOf('run.requested')).toMatchObject([{ rollout: 'web', environment: 'staging' }]);
    expect(eventsOf('run.blocked')).toMatchObject([{ rollout: 'web', exitCode: 5 }]);
    expect(eventsOf('run.blocked')[0]?.message).toMatch(
      /^staging is frozen until .*year-end change freeze; nothing was changed$/,
    );
    expect(eventsOf('run.ended')).toEqual([]);
    expect(done).toEqual({ ok: true, value: { exitCode: 5 } });
    expect(await deployedCommit(watched.dir, 'staging', 'web')).toBeUndefined();
  });

  it('given the webhook, then a bad signature is refused with 401 and runs no cycle; a signed push of the branch fetches it; another branch is ignored; stopping closes the socket', async () => {
    // Given
    const watch = start({ listen: { host: '127.0.0.1', port: 0 }, secretFile });
    const [started] = await waitFor(
      () => (eventsOf('watch.started').length > 0 ? eventsOf('watch.started') : undefined),
      { what: 'watch started' },
    );
    const url = started?.webhook ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const sha = await author.commit('inventory: one more host', {
      'inventories/staging.yaml': inventoryYaml('staging', 3),
    });
    await author.git.push('origin', 'main');
    const post = (body: string, signature: string, delivery: string) =>
      fetch(url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-github-delivery': delivery,
          'x-hub-signature-256': signature,
        },
      });
    const payload = (ref: string) => JSON.stringify({ ref, after: sha, repository: { full_name: 'ops/rollouts' } });

    // When: a forged delivery
    const forged = await post(
      payload('refs/heads/main'),
      signBody('wrong secret', payload('refs/heads/main')),
      'd-forged',
    );

    // Then: 401, nothing fetched
    expect(forged.status).toBe(401);
    expect(eventsOf('webhook.rejected')).toMatchObject([{ status: 401, reason: 'bad signature' }]);
    expect(eventsOf('push.received')).toEqual([]);
    expect(await watched.head()).not.toBe(sha);

    // When: a signed push of another branch, then of main
    const other = await post(payload('refs/heads/feature'), signBody(SECRET, payload('refs/heads/feature')), 'd-other');
    const real = await post(payload('refs/heads/main'), signBody(SECRET, payload('refs/heads/main')), 'd-main');

    // Then
    expect([other.status, real.status]).toEqual([202, 202]);
    expect(eventsOf('push.ignored')).toMatchObject([
      { deliveryId: 'd-other', reason: 'refs/heads/feature is not the followed branch main' },
    ]);
    await waitFor(() => eventsOf('commit.new').length > 0, { what: 'the pushed commit fetched', timeoutMs: 15_000 });
    expect(eventsOf('commit.new')).toMatchObject([{ after: sha, subject: 'inventory: one more host' }]);
    expect(await watched.head()).toBe(sha);

    // When: stopped
    stop.abort(new Error('interrupted (Ctrl-C)'));
    expect(await watch.done).toEqual({ ok: true, value: { exitCode: 0 } });
    expect(events.at(-2)).toMatchObject({ type: 'watch.stopping', reason: 'interrupted (Ctrl-C)' });
    expect(events.at(-1)).toMatchObject({ type: 'watch.stopped' });
    await expect(
      post(payload('refs/heads/main'), signBody(SECRET, payload('refs/heads/main')), 'd-late'),
    ).rejects.toThrow();
  });
});
