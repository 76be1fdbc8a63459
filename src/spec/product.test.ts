import { afterAll, describe, expect, it } from 'vitest';
import { formatSpecError } from './errors.js';
import { loadRepo, loadRollout } from './repo.js';
import { fixtureFiles, makeSpecRepo, type SpecRepo } from './testing/spec-repo.js';

const repos: SpecRepo[] = [];
afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.remove()));
});

describe('the PRODUCT.md examples', () => {
  it('validate as committed in a real rollout repo', async () => {
    // Given inventories/staging.yaml and playbooks/web.yaml copied verbatim from PRODUCT.md
    const repo = await makeSpecRepo();
    repos.push(repo);
    const sha = await repo.commit(await fixtureFiles('product'), 'Release demo 1.1');
    // When the whole repo is validated
    const result = await loadRepo(repo.dir);
    // Then there is nothing to fix
    expect(result.ok ? [] : result.error.map(formatSpecError)).toEqual([]);
    expect(result.ok && result.value.commit).toEqual({ sha, subject: 'Release demo 1.1' });
    expect(result.ok && [...result.value.playbooks.keys()]).toEqual(['web']);
    expect(result.ok && [...result.value.inventories.keys()]).toEqual(['staging']);
  });

  it('normalise into the rollout PRODUCT.md describes', async () => {
    // Given the same examples
    const repo = await makeSpecRepo();
    repos.push(repo);
    await repo.commit(await fixtureFiles('product'));
    // When the web rollout is loaded
    const result = await loadRollout(repo.dir, 'web', 'HEAD', { homeDir: '/home/op' });
    if (!result.ok) throw new Error(result.error.map(formatSpecError).join('\n'));
    const { rollout } = result.value;
    // Then it is taboot's halves over four web hosts behind edge, gated on approval
    expect(rollout.environment).toBe('staging');
    expect(rollout.ssh).toMatchObject({
      user: 'root',
      port: 22,
      identityFile: `${result.value.rollout.source.repoDir}/keys/id_ed25519`,
      hostKeyPolicy: 'strict',
      become: 'none',
    });
    expect(rollout.loadBalancers).toEqual({
      edge: { name: 'edge', type: 'haproxy', endpoint: { path: '/run/haproxy/admin.sock' }, backend: 'app' },
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
});
