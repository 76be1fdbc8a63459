/**
 * Every record parser that reads what the remote holds, fuzzed: arbitrary
 * bytes never throw (a record is refused, never a crash), and what
 * Lieutenant itself writes reads back as written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRunRecords, type RunRecord } from '../deploy/run-record.js';
import { parseSyncLog, type SyncLogEntry } from '../sync/sync-log.js';
import { PendingRecord, SyncRequest, WatcherPresence } from '../sync/sync-refs.js';
import { journalProblems, journalStart } from './journal-check.js';
import { leaseProblem, MAX_LEASE_MS } from './lease.js';
import { screenJson } from './screen.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const settings = { numRuns: RUNS };

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
const sha = fc.stringMatching(/^[0-9a-f]{40}$/);
const text = fc.string({ maxLength: 40 });
const iso = fc
  .date({ min: new Date(2020, 0, 1), max: new Date(2030, 0, 1), noInvalidDate: true })
  .map((d) => d.toISOString());
/** Bytes as a remote may hold them: random, JSON-looking, or JSON with hostile strings. */
const bytes = fc.oneof(
  fc.string(),
  fc.uint8Array({ maxLength: 200 }).map((array) => Buffer.from(array).toString('utf8')),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .dictionary(
      fc.constantFrom('environment', 'commit', 'rollout', 'host', 'runId', '__proto__', 'subject'),
      fc.string(),
    )
    .map((value) => JSON.stringify(value)),
);

describe('records read from the remote', () => {
  it('given arbitrary bytes, when any record parser reads them, then it returns a value or a refusal and never throws', () => {
    fc.assert(
      fc.property(bytes, (input) => {
        screenJson(input, 'a record');
        parseRunRecords(input);
        parseSyncLog(input);
        journalStart(input);
        journalProblems(input, { branch: 'main', onBranch: true, versions: new Map() });
        for (const schema of [PendingRecord, SyncRequest, WatcherPresence]) {
          const screened = screenJson(input, 'a record');
          if (screened.ok) schema.safeParse(screened.value);
        }
      }),
      settings,
    );
  });

  it('given any string, when screened, then no control character reaches the value', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const screened = screenJson(JSON.stringify({ subject: value }), 'a record');
        expect(screened.ok).toBe(true);
        if (screened.ok) expect(JSON.stringify(screened.value)).not.toMatch(/\\u00[01][0-9a-f]|\\u007f/);
      }),
      settings,
    );
  });

  it('given a name field that is not a name (a newline, an escape, a path), then the record is refused, saying where', () => {
    for (const bad of ['web\n01', '\u001b[31mweb', '../../etc', '']) {
      const screened = screenJson(JSON.stringify({ rollouts: [{ rollout: bad }] }), 'a record');
      expect(screened).toMatchObject({ ok: false, reason: expect.stringMatching(/^rollouts\.0\.rollout: /) });
    }
    expect(screenJson(JSON.stringify({ commit: 'HEAD' }), 'a record')).toMatchObject({ ok: false });
    expect(screenJson('['.repeat(40) + ']'.repeat(40), 'a record')).toMatchObject({ ok: false });
  });

  it('given a __proto__ key, then it stays data and no prototype is changed', () => {
    const screened = screenJson('{"__proto__": {"polluted": true}}', 'a record');
    expect(screened.ok).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('given a pending record, sync request and watcher presence as the watcher writes them, then each reads back as written', () => {
    const pending = fc.record({
      environment: name,
      commit: sha,
      // eslint-disable-next-line no-control-regex
      subject: fc.string().filter((s) => !/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(s)),
      since: iso,
      detectedBy: text.map((s) => s.replace(/[^ -~]/g, '')),
      rollouts: fc.array(
        fc.record({
          rollout: name,
          hosts: fc.array(fc.record({ host: name, group: name, changes: fc.constant([]) }), { maxLength: 3 }),
          batches: fc.nat(9),
        }),
        { maxLength: 3 },
      ),
      hostsToChange: fc.option(fc.nat(99), { nil: null }),
    });
    fc.assert(
      fc.property(pending, sha, iso, (record, commit, at) => {
        const reads = (schema: typeof PendingRecord | typeof SyncRequest | typeof WatcherPresence, value: object) => {
          const screened = screenJson(JSON.stringify(value), 'a record');
          expect(screened.ok && schema.parse(screened.value)).toEqual(value);
        };
        reads(PendingRecord, record);
        reads(SyncRequest, { environment: record.environment, commit, by: 'ana', at });
        reads(WatcherPresence, { environment: record.environment, watcher: 'w1', at, until: at });
      }),
      settings,
    );
  });

  it('given run records and sync-log entries as Lieutenant writes them, then they read back as written', () => {
    fc.assert(
      fc.property(
        name,
        name,
        sha,
        iso,
        fc.constantFrom('succeeded', 'rolled-back', 'halted'),
        (rollout, env, commit, at, result) => {
          const record: RunRecord = {
            runId: `run-${rollout}`,
            rollout,
            environment: env,
            commit,
            subject: 'Release demo 1.1',
            operator: 'ana',
            startedAt: at,
            finishedAt: at,
            result: result as RunRecord['result'],
            hostsChanged: [rollout],
            hostsOut: [],
            approvals: [],
            analyses: [],
          };
          expect(parseRunRecords(JSON.stringify([record]))).toEqual([record]);
          const entry: SyncLogEntry = {
            environment: env,
            commit,
            event: 'applied',
            at,
            by: 'ana',
            runs: [record.runId],
          };
          expect(parseSyncLog(`${JSON.stringify(entry)}\n`)).toEqual([entry]);
        },
      ),
      settings,
    );
  });
});

describe('a lock pushed by another clone', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('given any lease from 1 ms to 1 h renewed up to now, then it is accepted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_LEASE_MS }), fc.nat(10 * MAX_LEASE_MS), (leaseMs, ago) => {
        expect(leaseProblem({ leaseMs, renewedAt: new Date(now - ago).toISOString() }, now)).toBeUndefined();
      }),
      settings,
    );
  });

  it('given a lease past 1 h, or a renewal hours in the future, then it is refused with the reason', () => {
    expect(leaseProblem({ leaseMs: MAX_LEASE_MS + 1, renewedAt: new Date(now).toISOString() }, now)).toMatch(
      /at most 1h/,
    );
    expect(leaseProblem({ leaseMs: 60_000, renewedAt: '2099-01-01T00:00:00Z' }, now)).toMatch(/later than/);
    expect(leaseProblem({ leaseMs: 60_000, renewedAt: 'soon' }, now)).toMatch(/not a time/);
  });
});
