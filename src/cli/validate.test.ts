import { afterAll, describe, expect, it } from 'vitest';
import { fixtureFiles, makeSpecRepo, type SpecRepo } from '../spec/testing/spec-repo.js';
import { runCli } from './main.js';
import { captureIo } from './testing.js';

const repos: SpecRepo[] = [];
afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.remove()));
});
async function exampleRepo(edit: (files: Record<string, string>) => void = () => {}, subject = 'Release demo 1.1') {
  const repo = await makeSpecRepo();
  repos.push(repo);
  const files = await fixtureFiles('example');
  edit(files);
  const sha = await repo.commit(files, subject);
  return { repo, sha, files };
}

describe('lieutenant validate', () => {
  it('exits 0 and names the commit for the example rollout repo', async () => {
    // Given the examples committed
    const { repo, sha } = await exampleRepo();
    const io = captureIo();
    // When validated
    const code = await runCli(['validate', '--repo', repo.dir], io);
    // Then
    expect(io.err()).toBe('');
    expect(io.out()).toBe(`1 playbook, 1 inventory valid at ${sha.slice(0, 7)} Release demo 1.1\n`);
    expect(code).toBe(0);
  });

  it('exits 2 and points at the injected version', async () => {
    // Given a playbook whose version tries to run a shell command
    const { repo } = await exampleRepo((files) => {
      files['playbooks/web.yaml'] = (files['playbooks/web.yaml'] ?? '').replace('demo: "1.1"', 'demo: "1.1; rm -rf /"');
    });
    const io = captureIo();
    // When validated
    const code = await runCli(['validate', '--repo', repo.dir], io);
    // Then the error is at the value, says which characters are allowed, and nothing goes to stdout
    expect(code).toBe(2);
    expect(io.err()).toMatch(
      /^playbooks\/web\.yaml:6:13: targets\.web\.packages\.demo: expected a package version: letters, digits and "\. \+ ~ \^ _ -"/m,
    );
    expect(io.err()).toMatch(/^1 problem found$/m);
    expect(io.out()).toBe('');
  });

  it('--json: every problem with file, line, column and message, then a summary; nothing on stderr', async () => {
    // Given a playbook with two bad values
    const { repo } = await exampleRepo((files) => {
      files['playbooks/web.yaml'] = (files['playbooks/web.yaml'] ?? '')
        .replace('demo: "1.1"', 'demo: "1.1; rm -rf /"')
        .replace(/maxUnavailable: .*/, 'maxUnavailable: lots');
    });
    const io = captureIo();
    // When validated for CI
    const code = await runCli(['validate', '--json', '--repo', repo.dir], io);
    // Then each problem is a JSON line a CI annotator can place, and the summary counts them
    expect(code).toBe(2);
    expect(io.err()).toBe('');
    const lines = io
      .out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const problems = lines.filter((line) => line.type === 'problem');
    expect(problems.length).toBeGreaterThanOrEqual(2);
    for (const problem of problems)
      expect(problem).toEqual({
        type: 'problem',
        file: 'playbooks/web.yaml',
        line: expect.any(Number),
        column: expect.any(Number),
        message: expect.any(String),
      });
    expect(problems).toContainEqual(expect.objectContaining({ line: 6, column: 13 }));
    expect(lines.at(-1)).toEqual({ type: 'summary', valid: false, problems: problems.length });
  });

  it('--json on a valid repo: one summary naming the commit and the specs', async () => {
    const { repo, sha } = await exampleRepo();
    const io = captureIo();
    expect(await runCli(['validate', '--json', '--repo', repo.dir], io)).toBe(0);
    expect(JSON.parse(io.out())).toEqual({
      type: 'summary',
      valid: true,
      problems: 0,
      commit: sha,
      playbooks: ['web'],
      inventories: ['staging'],
    });
  });

  it('lists every problem of every file, sorted by file, line and column', async () => {
    const { repo } = await exampleRepo((files) => {
      // found in this order: the duplicate address (line 22) before the unknown load balancer (line 17)
      files['playbooks/web.yaml'] = (files['playbooks/web.yaml'] ?? '').replace('rollout: web', 'rollout: webapp');
      files['inventories/staging.yaml'] = (files['inventories/staging.yaml'] ?? '')
        .replace('127.0.1.14', '127.0.1.11')
        .replace('loadBalancer: edge', 'loadBalancer: edg');
    });
    const io = captureIo();
    expect(await runCli(['validate', '--repo', repo.dir], io)).toBe(2);
    const locations = io
      .err()
      .split('\n')
      .filter((line) => /^\S+:\d+:\d+: /.test(line))
      .map((line) => line.split(': ')[0]);
    expect(locations).toEqual([
      'inventories/staging.yaml:17:19',
      'inventories/staging.yaml:22:26',
      'playbooks/web.yaml:1:10',
    ]);
  });

  it('reads --rev, accepts --repo before the command, and defaults --repo to the current directory', async () => {
    // Given a good commit followed by a bad one
    const { repo, sha } = await exampleRepo();
    await repo.commit({ 'playbooks/web.yaml': 'rollout: web\n' }, 'Broken');
    // Then HEAD fails, the older commit passes either way round
    expect(await runCli(['validate'], captureIo(), { cwd: repo.dir })).toBe(2);
    const io = captureIo();
    expect(await runCli(['--repo', repo.dir, 'validate', '--rev', sha.slice(0, 10)], io)).toBe(0);
    expect(io.out()).toContain(`valid at ${sha.slice(0, 7)} Release demo 1.1`);
  });

  it('warns about uncommitted files on stderr, naming each', async () => {
    const { repo, files } = await exampleRepo();
    await repo.write({ 'playbooks/web.yaml': `${files['playbooks/web.yaml'] ?? ''}\n# wip\n` });
    const io = captureIo();
    expect(await runCli(['validate', '--repo', repo.dir], io)).toBe(0);
    expect(io.err()).toMatch(
      /^warning: playbooks\/web\.yaml: uncommitted changes ignored \(modified\); using commit [0-9a-f]{7}$/m,
    );
  });

  it('exits 2 with a clear message outside a git repository', async () => {
    const repo = await makeSpecRepo({ init: false });
    repos.push(repo);
    const io = captureIo();
    expect(await runCli(['validate', '--repo', repo.dir], io)).toBe(2);
    expect(io.err()).toContain('not a git repository');
  });
});
