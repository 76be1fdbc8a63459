import { describe, expect, it } from 'vitest';
import type { PlaybookSpec } from './schema.js';
import { diffVersions } from './version-diff.js';

const playbook = (inventory: string, targets: Record<string, Record<string, string>>): PlaybookSpec =>
  ({
    rollout: 'x',
    inventory,
    targets: Object.fromEntries(Object.entries(targets).map(([group, packages]) => [group, { packages }])),
  }) as unknown as PlaybookSpec;

const specs = (playbooks: Record<string, PlaybookSpec>) => ({
  playbooks: new Map(Object.entries(playbooks).map(([name, spec]) => [name, { file: `playbooks/${name}.yaml`, spec }])),
});

describe('diffVersions', () => {
  it('given a version bump in one group, when diffed, then only that package of that group is a change', () => {
    const before = specs({ web: playbook('staging', { web: { demo: '1.0', nginx: '1.24' }, api: { demo: '1.0' } }) });
    const after = specs({ web: playbook('staging', { web: { demo: '1.1', nginx: '1.24' }, api: { demo: '1.0' } }) });
    expect(diffVersions(before, after)).toEqual([
      {
        rollout: 'web',
        environment: 'staging',
        kind: 'changed',
        groups: [{ group: 'web', changes: [{ package: 'demo', from: '1.0', to: '1.1' }] }],
      },
    ]);
  });

  it('given a package added, one removed and a new group, when diffed, then each is named with null on the side it lacks', () => {
    const before = specs({ web: playbook('staging', { web: { demo: '1.0', old: '2' } }) });
    const after = specs({ web: playbook('staging', { web: { demo: '1.0', addon: '1.0' }, db: { pg: '16' } }) });
    expect(diffVersions(before, after)[0]?.groups).toEqual([
      {
        group: 'web',
        changes: [
          { package: 'addon', from: null, to: '1.0' },
          { package: 'old', from: '2', to: null },
        ],
      },
      { group: 'db', changes: [{ package: 'pg', from: null, to: '16' }] },
    ]);
  });

  it('given playbooks added and removed, when diffed, then they are added and removed with all their versions', () => {
    const before = specs({ gone: playbook('prod', { web: { demo: '1.0' } }) });
    const after = specs({ fresh: playbook('staging', { web: { demo: '2.0' } }) });
    expect(diffVersions(before, after).map((r) => [r.rollout, r.kind, r.environment, r.groups[0]?.changes])).toEqual([
      ['fresh', 'added', 'staging', [{ package: 'demo', from: null, to: '2.0' }]],
      ['gone', 'removed', 'prod', [{ package: 'demo', from: '1.0', to: null }]],
    ]);
  });

  it('given the same versions on another inventory, when diffed, then the move is a change with no version changes', () => {
    const before = specs({ web: playbook('staging', { web: { demo: '1.0' } }) });
    const after = specs({ web: playbook('production', { web: { demo: '1.0' } }) });
    expect(diffVersions(before, after)).toEqual([
      { rollout: 'web', environment: 'production', environmentBefore: 'staging', kind: 'changed', groups: [] },
    ]);
  });

  it('given identical specs, when diffed, then there is nothing', () => {
    const same = specs({ web: playbook('staging', { web: { demo: '1.0' } }) });
    expect(diffVersions(same, same)).toEqual([]);
  });
});
