/**
 * A pretend fleet for cycle tests: the runs and status reads the watcher
 * asks for, against an in-memory map of installed `demo` versions, while Git
 * stays real. A run brings every host to the version its commit pins and
 * records itself in the repo (moving the deployed ref) as the real run does.
 */
import { recordRun, deployedCommit } from '../../../records/deploy/deployed.js';
import { gitAt } from '../../../records/git/git.js';
import { aRunRecord } from '../../../records/testing/run-record.js';
import type { RunResult } from '../../../engine/index.js';
import { EXIT_CODE } from '../../../engine/index.js';
import { ok, type Result } from '../../../core/result.js';
import type { AppFailure } from '../../failure.js';
import type { RunDone } from '../../run-service.js';
import type { HostStatus, StatusReport } from '../../status-service.js';
import type { WatchRunRequest } from '../ports.js';
import type { PendingRolloutPlan } from '../../../records/sync/sync-refs.js';

export interface FakeFleet {
  installed: Record<string, string>;
  runs: WatchRunRequest[];
  /** Answers for the next runs, in order (default: succeeded). */
  nextRuns: Array<RunResult | AppFailure>;
  run(request: WatchRunRequest): Promise<Result<RunDone, AppFailure>>;
  status(): Promise<Result<StatusReport, AppFailure>>;
  /** What a run at `rev` would change: the hosts not on its version, in batches of half (the fixture's 50%, 50%). */
  plan(request: { rollout: string; rev: string }): Promise<Result<PendingRolloutPlan, AppFailure>>;
}

export async function demoVersionAt(repoDir: string, rev: string, rollout = 'web'): Promise<string> {
  const text = await gitAt(repoDir).raw(['show', `${rev}:playbooks/${rollout}.yaml`]);
  const version = /demo: "([^"]+)"/.exec(text)?.[1];
  if (version === undefined) throw new Error(`no demo version in playbooks/${rollout}.yaml at ${rev}`);
  return version;
}

/** The fleet of one rollout (default: staging's `web`). */
export function fakeFleet(
  repoDir: string,
  hosts: string[],
  version: string,
  of: { rollout: string; environment: string } = { rollout: 'web', environment: 'staging' },
): FakeFleet {
  const fleet: FakeFleet = {
    installed: Object.fromEntries(hosts.map((host) => [host, version])),
    runs: [],
    nextRuns: [],
    async run(request) {
      fleet.runs.push(request);
      const next = fleet.nextRuns.shift() ?? 'succeeded';
      if (typeof next !== 'string') return { ok: false, error: next };
      const runId = `run-${fleet.runs.length}`;
      if (next === 'succeeded') {
        const wanted = await demoVersionAt(repoDir, request.rev, of.rollout);
        for (const host of hosts) fleet.installed[host] = wanted;
      }
      await recordRun(
        repoDir,
        aRunRecord({ runId, rollout: request.rollout, environment: of.environment, commit: request.rev, result: next }),
      );
      return ok({
        runId,
        outcome: { result: next, exitCode: EXIT_CODE[next], message: next, changed: [], hostsOut: [] },
      });
    },
    async plan({ rollout, rev }) {
      const wanted = await demoVersionAt(repoDir, rev, of.rollout);
      const changing = hosts.filter((host) => fleet.installed[host] !== wanted);
      return ok({
        rollout,
        hosts: changing.map((host) => ({
          host,
          group: 'web',
          changes: [{ name: 'demo', from: fleet.installed[host] ?? null, to: wanted }],
        })),
        batches: Math.min(2, changing.length),
      });
    },
    async status() {
      const deployed = await deployedCommit(repoDir, 'staging', 'web');
      const expectedVersion = await demoVersionAt(repoDir, deployed ?? 'HEAD');
      const report: StatusReport = {
        hosts: hosts.map((host): HostStatus => {
          const installed = fleet.installed[host] ?? '';
          return {
            environment: 'staging',
            rollout: 'web',
            group: 'web',
            packageManager: 'apt',
            host,
            address: '127.0.0.1',
            installed: { demo: installed },
            expected: { demo: expectedVersion },
            committed: { demo: expectedVersion },
            drift: installed === expectedVersion ? [] : ['demo'],
            rotation: {},
            outOfRotation: false,
          };
        }),
        environments: [],
      };
      return ok(report);
    },
  };
  return fleet;
}
