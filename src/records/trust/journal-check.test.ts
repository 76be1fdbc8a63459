import { describe, expect, it } from 'vitest';
import { journalProblems, pinnedVersions, type CommittedFacts } from './journal-check.js';

const sha = 'a'.repeat(40);
const line = (event: Record<string, unknown>) =>
  `${JSON.stringify({ seq: 1, runId: 'run-1', at: '2026-01-01T00:00:00Z', ...event })}\n`;
const start = line({
  type: 'run.started',
  rollout: 'web',
  environment: 'staging',
  commit: { sha, subject: 'Release demo 1.1' },
  operator: 'ana',
  plan: {
    groups: [
      {
        name: 'web',
        hosts: [{ name: 'web-01', group: 'web', changes: [{ name: 'demo', from: '1.0', to: '1.1', kind: 'upgrade' }] }],
      },
    ],
  },
});
const facts: CommittedFacts = {
  branch: 'main',
  onBranch: true,
  rollout: {
    environment: 'staging',
    hosts: new Map([
      ['web-01', 'web'],
      ['web-02', 'web'],
    ]),
  },
  versions: new Map([['demo', new Set(['1.0', '1.1'])]]),
};

describe('a shared journal judged against the followed branch', () => {
  it('given a journal of a run of the branch, on its hosts, with the versions its playbook pinned, then nothing stops resuming it', () => {
    const journal =
      start +
      line({ type: 'batch.started', batch: 1, batches: 1, group: 'web', hosts: ['web-01'] }) +
      line({ type: 'host.upgrade.finished', host: 'web-01', before: { demo: '1.0' }, after: { demo: '1.1' } });
    expect(journalProblems(journal, facts)).toEqual([]);
  });

  it('given a journal claiming web-01 was mid-rollback to demo 6.6, a version no commit pins, then it is refused naming it', () => {
    const journal = start + line({ type: 'host.rollback.started', host: 'web-01', to: { demo: '6.6' } });
    expect(journalProblems(journal, facts)).toEqual(['demo 6.6 is a version no commit of the branch pins']);
  });

  it('given a journal naming a host or group the inventory does not have, then it is refused', () => {
    const journal =
      start +
      line({ type: 'host.failed', host: 'db-09', group: 'web', step: 'upgrade', reason: 'x', outOfRotation: true }) +
      line({ type: 'batch.started', batch: 1, batches: 1, group: 'db', hosts: ['web-02'] });
    expect(journalProblems(journal, facts)).toEqual([
      'host db-09 is not in the inventory at its commit',
      'host web-02 is in group web, not db',
    ]);
  });

  it('given a journal of a commit off the branch, of another environment, or without a start, then it is refused', () => {
    expect(journalProblems(start, { ...facts, onBranch: false })).toEqual([`its commit aaaaaaa is not on main`]);
    expect(journalProblems(start, { ...facts, rollout: { environment: 'production', hosts: new Map() } })).toEqual([
      'web rolls out to production at its commit, not staging',
    ]);
    expect(journalProblems('garbage\n', facts)).toEqual(['its start does not read as a run of a commit']);
  });

  it("given a playbook's history, then every version it pinned is known per package", () => {
    const history = [
      '-      demo: "1.0"',
      '+      demo: "1.1"',
      '+      web-api: 2:3.4-1 # pinned',
      '+  batches: ["50%"]',
    ].join('\n');
    expect(pinnedVersions(history)).toEqual(
      new Map([
        ['demo', new Set(['1.0', '1.1'])],
        ['web-api', new Set(['2:3.4-1'])],
      ]),
    );
  });
});
