import { afterEach, describe, expect, it } from 'vitest';
import { formatSpecError } from './errors.js';
import { loadRepo, loadRollout } from './repo.js';
import { fixtureFiles, makeSpecRepo, type SpecRepo } from './testing/spec-repo.js';

const repos: SpecRepo[] = [];
afterEach(async () => {
  await Promise.all(repos.splice(0).map((repo) => repo.remove()));
});
async function repoWith(files?: Record<string, string>, init = true): Promise<SpecRepo> {
  const repo = await makeSpecRepo({ init });
  repos.push(repo);
  if (files) await repo.commit(files, 'Release demo 1.1');
  return repo;
}
const messages = (result: { ok: boolean; error?: unknown }) =>
  result.ok ? [] : (result as { error: Parameters<typeof formatSpecError>[0][] }).error.map(formatSpecError);

describe('reading specs from git', () => {
  it('reads what is committed and names every uncommitted file in a warning', async () => {
    // Given committed specs, then a modified playbook, a staged inventory edit and an untracked playbook
    const example = await fixtureFiles('example');
    const repo = await repoWith(example);
    await repo.write({
      'playbooks/web.yaml': (example['playbooks/web.yaml'] ?? '').replace('"1.1"', '"2.0"'),
      'playbooks/api.yaml': 'rollout: api\n',
    });
    await repo.write({ 'inventories/staging.yaml': `${example['inventories/staging.yaml'] ?? ''}\n# edited\n` });
    const { simpleGit } = await import('simple-git');
    await simpleGit(repo.dir).add('inventories/staging.yaml');
    // When the web rollout is loaded
    const result = await loadRollout(repo.dir, 'web');
    // Then the committed version is used, the broken untracked file is not read, and each file is named
    expect(messages(result)).toEqual([]);
    if (!result.ok) return;
    expect(result.value.rollout.groups[0]?.packages).toEqual({ demo: '1.1' });
    expect(result.value.rollout.source.commit.subject).toBe('Release demo 1.1');
    const short = result.value.rollout.source.commit.sha.slice(0, 7);
    expect(result.value.warnings).toEqual([
      `inventories/staging.yaml: uncommitted changes ignored (modified, staged but not committed); using commit ${short}`,
      `playbooks/api.yaml: uncommitted changes ignored (untracked); using commit ${short}`,
      `playbooks/web.yaml: uncommitted changes ignored (modified); using commit ${short}`,
    ]);
  });

  it('reads an older commit with --rev', async () => {
    // Given a release of 1.1 and then of 2.0
    const example = await fixtureFiles('example');
    const repo = await repoWith();
    const first = await repo.commit(example, 'Release demo 1.1');
    await repo.commit(
      { 'playbooks/web.yaml': (example['playbooks/web.yaml'] ?? '').replace('"1.1"', '"2.0"') },
      'Release demo 2.0',
    );
    // When the older commit (by SHA) and HEAD are loaded
    const older = await loadRollout(repo.dir, 'playbooks/web.yaml', first);
    const head = await loadRollout(repo.dir, 'web');
    // Then each carries its own versions and commit
    expect(older.ok && older.value.rollout.groups[0]?.packages.demo).toBe('1.1');
    expect(older.ok && older.value.rollout.source.commit.sha).toBe(first);
    expect(head.ok && head.value.rollout.groups[0]?.packages.demo).toBe('2.0');
    expect(head.ok && head.value.rollout.source.commit.subject).toBe('Release demo 2.0');
  });

  it('refuses a repo with no commits', async () => {
    const repo = await repoWith();
    await repo.write(await fixtureFiles('example'));
    expect(messages(await loadRepo(repo.dir))).toEqual([
      expect.stringMatching(/has no commits yet: commit playbooks\/ and inventories\/ first/),
    ]);
  });

  it('warns when the revision holds no specs at all (probably the wrong --repo)', async () => {
    const repo = await repoWith({ 'README.md': 'not a rollout repo\n' });
    const result = await loadRepo(repo.dir);
    expect(result.ok && result.value.warnings).toEqual([
      expect.stringMatching(
        /^no playbooks\/\*\.yaml or inventories\/\*\.yaml at [0-9a-f]{7}: is .* the rollout repo\?/,
      ),
    ]);
  });

  it('refuses a revision that is not a commit, and one that looks like an option', async () => {
    const repo = await repoWith(await fixtureFiles('example'));
    expect(messages(await loadRepo(repo.dir, 'no-such-branch'))).toEqual([
      expect.stringMatching(/^revision "no-such-branch" is not a commit in /),
    ]);
    expect(messages(await loadRepo(repo.dir, '--output=/tmp/x'))).toEqual([
      expect.stringMatching(/^revision "--output=\/tmp\/x": not a commit/),
    ]);
  });

  it('refuses a directory that is not a git repository, and one that does not exist', async () => {
    const repo = await repoWith(undefined, false);
    expect(messages(await loadRepo(repo.dir))).toEqual([expect.stringMatching(/not a git repository/)]);
    expect(messages(await loadRepo(`${repo.dir}/missing`))).toEqual([expect.stringMatching(/no such directory/)]);
  });

  it('refuses a revision range, naming it: one commit runs, never a range', async () => {
    // Given a repo with two commits
    const repo = await repoWith(await fixtureFiles('example'));
    await repo.commit({ 'README.md': 'x\n' }, 'second');
    // When a range is given as the revision, Then it is named as a range (no stack trace)
    for (const rev of ['HEAD..HEAD', 'HEAD~1...HEAD', '^HEAD', 'HEAD^!']) {
      expect(messages(await loadRepo(repo.dir, rev))).toEqual([
        `revision "${rev}" is a range, not one commit (give a commit SHA, a branch or a tag)`,
      ]);
    }
  });

  it('refuses a bare repository and a .git directory, saying to use a checkout', async () => {
    // Given a bare clone of a rollout repo
    const repo = await repoWith(await fixtureFiles('example'));
    const { simpleGit } = await import('simple-git');
    const bare = `${repo.dir}-bare.git`;
    await simpleGit().raw(['clone', '-q', '--bare', repo.dir, bare]);
    const cleanup = await makeSpecRepo({ init: false });
    repos.push({ ...cleanup, remove: () => import('node:fs/promises').then((fs) => fs.rm(bare, { recursive: true })) });
    // When it is given as the rollout repo, Then it is refused, saying what to do
    expect(messages(await loadRepo(bare))).toEqual([
      `rollout repo ${bare} is a bare repository; Lieutenant works in a checkout of it (git clone ${bare}, then --repo the clone)`,
    ]);
    expect(messages(await loadRepo(`${repo.dir}/.git`))).toEqual([
      expect.stringMatching(/is not in a working tree \(a \.git directory\?\); give the checkout with --repo DIR$/),
    ]);
  });

  it('refuses a submodule under playbooks/, naming it', async () => {
    // Given a rollout repo whose playbooks/shared is a submodule (a gitlink entry)
    const repo = await repoWith(await fixtureFiles('example'));
    const { simpleGit } = await import('simple-git');
    const git = simpleGit(repo.dir);
    const head = (await git.raw(['rev-parse', 'HEAD'])).trim();
    await git.raw(['update-index', '--add', '--cacheinfo', `160000,${head},playbooks/shared`]);
    await git.raw(['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', 'commit', '-q', '-m', 'add a submodule']);
    // When the specs are read, Then the submodule is named with how to fix it
    expect(messages(await loadRepo(repo.dir))).toEqual([
      'playbooks/shared: a git submodule, which Lieutenant does not read: commit the files themselves into this repo',
    ]);
  });

  it('names a missing playbook and lists the ones there are', async () => {
    const repo = await repoWith(await fixtureFiles('example'));
    const result = await loadRollout(repo.dir, 'api');
    expect(messages(result)).toEqual([
      expect.stringMatching(
        /^playbooks\/api\.yaml: no such playbook at [0-9a-f]{7} "Release demo 1\.1"; playbooks there: web$/,
      ),
    ]);
    expect(messages(await loadRollout(repo.dir, '../etc/passwd'))).toEqual([
      expect.stringMatching(/is not a playbook/),
    ]);
  });

  it('points at the playbook when its inventory file is missing', async () => {
    const example = await fixtureFiles('example');
    const repo = await repoWith({ 'playbooks/web.yaml': example['playbooks/web.yaml'] ?? '' });
    expect(messages(await loadRollout(repo.dir, 'web'))).toEqual([
      'playbooks/web.yaml:2:12: inventory "staging" does not exist: there is no inventories/staging.yaml; inventories: (none)',
    ]);
  });

  it('checks only the playbook asked for and its inventory', async () => {
    // Given a valid web playbook and another team's broken one
    const repo = await repoWith({
      ...(await fixtureFiles('example')),
      'playbooks/api.yaml': 'rollout: api\ninventory: 3\n',
    });
    // Then web loads, while validating the whole repo reports the broken one
    expect(messages(await loadRollout(repo.dir, 'web'))).toEqual([]);
    expect(messages(await loadRepo(repo.dir))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^playbooks\/api\.yaml:2:12: inventory: /)]),
    );
  });

  it('works when the rollout repo is a folder inside a larger git repository', async () => {
    // Given the specs under deploy/ of a monorepo
    const example = await fixtureFiles('example');
    const repo = await repoWith(
      Object.fromEntries(Object.entries(example).map(([path, text]) => [`deploy/${path}`, text])),
    );
    await repo.write({ 'deploy/playbooks/web.yaml': 'changed: true\n' });
    // When loaded with --repo deploy
    const result = await loadRepo(`${repo.dir}/deploy`);
    // Then paths are relative to that folder
    expect(messages(result)).toEqual([]);
    expect(result.ok && [...result.value.playbooks.values()].map((playbook) => playbook.file)).toEqual([
      'playbooks/web.yaml',
    ]);
    expect(result.ok && result.value.warnings).toEqual([
      expect.stringMatching(/^playbooks\/web\.yaml: uncommitted changes ignored \(modified\)/),
    ]);
  });
});
