import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pollRemote } from './poll.js';
import { createGitSandbox, inventoryYaml, playbookYaml } from '../records/testing/git-fixture.js';
import type { GitSandbox, TestRepo } from '../records/testing/git-fixture.js';

const web = (version: string) => playbookYaml({ rollout: 'web', inventory: 'staging', version });
const follow = { remote: 'origin', branch: 'main' };

describe('pollRemote', () => {
  let sandbox: GitSandbox;
  let watched: TestRepo; // the clone `watch` runs in
  let author: TestRepo; // where an operator commits and pushes
  let first: string;

  beforeEach(async () => {
    sandbox = await createGitSandbox();
    const remote = await sandbox.bare();
    const seed = await sandbox.repo('seed');
    first = await seed.commit('web: demo 1.0', {
      'inventories/staging.yaml': inventoryYaml('staging'),
      'playbooks/web.yaml': web('1.0'),
    });
    await seed.git.addRemote('origin', remote);
    await seed.git.push('origin', 'main');
    watched = await sandbox.clone(remote, 'watched');
    author = await sandbox.clone(remote, 'author');
  });
  afterEach(() => sandbox.cleanup());

  it('reports no change when the remote has nothing new', async () => {
    expect(await pollRemote(watched.dir, follow)).toEqual({ ok: true, value: { before: first, after: first } });
  });

  it('fast-forwards to a commit pushed from another clone', async () => {
    // Given a release pushed by someone else
    const release = await author.commit('web: demo 1.1', { 'playbooks/web.yaml': web('1.1') });
    await author.git.push('origin', 'main');

    // When watch polls
    const polled = await pollRemote(watched.dir, follow);

    // Then it saw the new commit and the local branch and files moved to it
    expect(polled).toEqual({ ok: true, value: { before: first, after: release } });
    expect(await watched.head()).toBe(release);
    expect(await readFile(join(watched.dir, 'playbooks/web.yaml'), 'utf8')).toBe(web('1.1'));
    // And the next poll finds nothing new
    expect(await pollRemote(watched.dir, follow)).toEqual({ ok: true, value: { before: release, after: release } });
  });

  it('refuses to move a branch that has diverged, keeping the local commit', async () => {
    const mine = await watched.commit('local hotfix', { 'playbooks/web.yaml': web('1.0.1') });
    await author.commit('web: demo 1.1', { 'playbooks/web.yaml': web('1.1') });
    await author.git.push('origin', 'main');

    const polled = await pollRemote(watched.dir, follow);

    expect(polled.ok).toBe(false);
    if (!polled.ok)
      expect(polled.error.message).toMatch(/^local main \(\w{7}\) has diverged from origin\/main \(\w{7}\)$/);
    expect(await watched.head()).toBe(mine);
  });

  it('refuses when the local branch has unpushed commits', async () => {
    const mine = await watched.commit('revert, not pushed yet', { 'playbooks/web.yaml': web('0.9') });

    const polled = await pollRemote(watched.dir, follow);

    expect(polled).toMatchObject({
      ok: false,
      error: { message: `local main (${mine.slice(0, 7)}) has commits origin/main lacks; push them first` },
    });
  });

  it('refuses a dirty working tree', async () => {
    await author.commit('web: demo 1.1', { 'playbooks/web.yaml': web('1.1') });
    await author.git.push('origin', 'main');
    await watched.write({ 'playbooks/web.yaml': web('hand-edited') });

    const polled = await pollRemote(watched.dir, follow);

    expect(polled).toMatchObject({
      ok: false,
      error: { message: 'not following origin/main: uncommitted changes in playbooks/web.yaml' },
    });
    expect(await watched.head()).toBe(first);
  });

  it('moves a branch that is not checked out without touching the working tree', async () => {
    await watched.git.raw(['checkout', '--quiet', '-b', 'elsewhere']);
    const release = await author.commit('web: demo 1.1', { 'playbooks/web.yaml': web('1.1') });
    await author.git.push('origin', 'main');

    const polled = await pollRemote(watched.dir, follow);

    expect(polled).toEqual({ ok: true, value: { before: first, after: release } });
    expect((await watched.git.raw(['rev-parse', 'main'])).trim()).toBe(release);
    expect(await readFile(join(watched.dir, 'playbooks/web.yaml'), 'utf8')).toBe(web('1.0'));
  });

  it('fails as a value when the remote cannot be reached', async () => {
    await watched.git.raw(['remote', 'set-url', 'origin', join(sandbox.root, 'gone.git')]);
    const polled = await pollRemote(watched.dir, follow);
    expect(polled).toMatchObject({ ok: false, error: { message: 'git fetch origin main failed' } });
  });
});
