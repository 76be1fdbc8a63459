/**
 * The YAML examples of docs/*.md, read straight from the pages, committed to
 * real rollout repos and validated: an example that stops being valid (or a
 * broken one that starts passing) fails here, naming the page.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { docFiles, exampleRepos, readDoc, unmarkedYamlFences } from '../testing/docs-markdown.js';
import { planRollout } from '../plan/planner.js';
import { formatSpecError } from './errors.js';
import { loadRepo, loadRollout } from './repo.js';
import { makeSpecRepo, type SpecRepo } from './testing/spec-repo.js';

const repos: SpecRepo[] = [];
afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.remove()));
});

async function committed(files: Record<string, string>, subject = 'specs'): Promise<{ dir: string; sha: string }> {
  const repo = await makeSpecRepo();
  repos.push(repo);
  return { dir: repo.dir, sha: await repo.commit(files, subject) };
}

async function docRepo(page: string, name: string): Promise<Record<string, string>> {
  const repo = exampleRepos(await readDoc(page), page).get(name);
  if (!repo) throw new Error(`${page} has no example repo "${name}"`);
  return repo.files;
}

const pages = await docFiles();
const examples = (
  await Promise.all(
    pages.map(async (page) =>
      [...exampleRepos(await readDoc(page), page)].map(([name, repo]) => ({ page, name, ...repo })),
    ),
  )
).flat();

describe('the examples of docs/', () => {
  it('are found (the pages still mark them)', () => {
    expect(examples.map(({ page, name }) => `${page} ${name}`)).toEqual(
      expect.arrayContaining([
        'getting-started.md main',
        'rollout-repo.md main',
        'rollout-repo.md production',
        'rollout-repo.md broken',
      ]),
    );
  });

  it.each(pages)('%s has no YAML block that is not a tested example', async (page) => {
    // Given the page, When its ```yaml fences are listed, Then each is marked <!-- example: … -->
    expect(unmarkedYamlFences(await readDoc(page)), `${page}: lines of unmarked yaml fences`).toEqual([]);
  });

  it.concurrent.for(examples)(
    '$page, repo $name: validates as committed (or fails, when marked invalid)',
    async ({ page, name, files, invalid }) => {
      // Given the page's example files committed to a real rollout repo
      const repo = await committed(files);
      // When the whole repo is validated
      const result = await loadRepo(repo.dir);
      // Then a valid example has nothing to fix, and every playbook loads into a rollout
      if (invalid) {
        expect(result.ok, `${page} ${name} is marked invalid but validates`).toBe(false);
        return;
      }
      expect(result.ok ? [] : result.error.map(formatSpecError), `${page} ${name}`).toEqual([]);
      for (const playbook of result.ok ? result.value.playbooks.keys() : []) {
        const loaded = await loadRollout(repo.dir, playbook, 'HEAD', { homeDir: '/home/op' });
        expect(loaded.ok ? [] : loaded.error.map(formatSpecError), `${page} ${name} ${playbook}`).toEqual([]);
      }
    },
  );

  it('rollout-repo.md: the complete example is the rollout the page describes', async () => {
    // Given the complete example
    const repo = await committed(await docRepo('rollout-repo.md', 'main'), 'Release demo 1.1');
    // When the web rollout is loaded
    const result = await loadRollout(repo.dir, 'web', 'HEAD', { homeDir: '/home/op' });
    if (!result.ok) throw new Error(result.error.map(formatSpecError).join('\n'));
    const { rollout } = result.value;
    // Then it is two halves over four web hosts behind edge, gated on approval
    expect(rollout.source.commit).toEqual({
      sha: repo.sha,
      subject: 'Release demo 1.1',
      author: 'spec@example.invalid',
    });
    expect(rollout.environment).toBe('staging');
    expect(rollout.ssh).toMatchObject({
      user: 'root',
      port: 22,
      identityFile: `${rollout.source.repoDir}/keys/id_ed25519`,
      knownHosts: `${rollout.source.repoDir}/known_hosts`,
      hostKeyPolicy: 'strict',
      become: 'none',
    });
    expect(rollout.loadBalancers).toEqual({
      edge: {
        name: 'edge',
        type: 'haproxy',
        endpoint: { path: '/run/haproxy/admin.sock' },
        backend: 'app',
        maxConnections: 3,
      },
    });
    expect(
      rollout.groups.map((group) => group.hosts.map((host) => `${host.name}@${host.address}=${host.lbServer}`)),
    ).toEqual([
      ['web-01@127.0.1.11=web-01', 'web-02@127.0.1.12=web-02', 'web-03@127.0.1.13=web-03', 'web-04@127.0.1.14=web-04'],
    ]);
    expect(rollout.groups[0]?.checks).toEqual([
      {
        kind: 'http',
        url: 'http://{{host.address}}:8080/health',
        status: 200,
        bodyContains: '{{packages.demo}}',
        timeoutMs: 5000,
      },
      { kind: 'tcp', port: 22, timeoutMs: 5000 },
    ]);
    expect(rollout.strategy).toEqual({
      batches: [
        { kind: 'percent', percent: 50 },
        { kind: 'percent', percent: 50 },
      ],
      concurrency: 10,
      maxUnavailable: { kind: 'percent', percent: 50 },
      pause: { kind: 'approve' },
      onFailure: 'rollback',
    });
    expect(rollout.health).toEqual({ intervalMs: 1000, timeoutMs: 60000, successThreshold: 2 });
    expect(rollout.drain).toEqual({ timeoutMs: 30000 });
  });

  it('rollout-repo.md: the larger example is the rollout the page describes', async () => {
    // Given the production example
    const repo = await committed(await docRepo('rollout-repo.md', 'production'));
    // When the api rollout is loaded
    const result = await loadRollout(repo.dir, 'api', 'HEAD', { homeDir: '/home/op' });
    if (!result.ok) throw new Error(result.error.map(formatSpecError).join('\n'));
    const { rollout } = result.value;
    // Then: sudo over the agent with known_hosts from home, two load balancers (one over TCP), api before workers
    expect(rollout.ssh).toEqual({
      user: 'deploy',
      port: 22,
      identityFile: undefined,
      knownHosts: '/home/op/.ssh/known_hosts',
      hostKeyPolicy: 'accept-new',
      become: 'sudo',
      connectTimeoutMs: 5_000,
      commandTimeoutMs: 900_000,
      keepaliveIntervalMs: 5_000,
      maxHandshakes: 10,
    });
    expect(rollout.loadBalancers['lb-b']?.endpoint).toEqual({ host: '10.0.0.5', port: 9999 });
    expect(rollout.groups.map((group) => [group.name, group.packageManager, group.loadBalancers])).toEqual([
      ['api', 'dnf', ['lb-a', 'lb-b']],
      ['workers', 'apt', []],
    ]);
    expect(rollout.groups[0]?.hosts.map((host) => host.lbServer)).toEqual(['api1', 'api2', 'api3', 'api4']);
    expect(rollout.groups[0]?.checks.map((check) => check.kind)).toEqual(['http', 'tcp', 'command']);
    expect(rollout.groups[0]?.checks[0]).toMatchObject({ status: 200, timeoutMs: 2_000 });
    expect(rollout.groups[1]?.checks[0]).toMatchObject({ exitCode: 0, timeoutMs: 60_000 });
    expect(rollout.strategy).toEqual({
      batches: [
        { kind: 'count', count: 1 },
        { kind: 'percent', percent: 25 },
        { kind: 'percent', percent: 100 },
      ],
      concurrency: 2,
      maxUnavailable: { kind: 'count', count: 1 },
      pause: { kind: 'timed', ms: 600_000 },
      onFailure: 'halt',
    });
    // And, on hosts that have neither package yet, the batches the page counts out
    const installed = Object.fromEntries(rollout.groups.flatMap((g) => g.hosts.map((h) => [h.name, {}])));
    const plan = planRollout(rollout, { installed });
    expect(plan.batches.map((batch) => `${batch.group}:${batch.hosts.length}/${batch.inFlight}`)).toEqual([
      'api:1/1',
      'api:1/1',
      'api:2/1',
      'workers:1/1',
      'workers:1/1',
    ]);
  });
});
