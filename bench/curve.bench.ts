// npm run bench (last): how each cost grows with the fleet — the same rollout at 10, 100 and 300
// hosts (BENCH_HOSTS=10,100,300), Lieutenant beside the lower-bound script under the same cap,
// each size on a fleet of its own (BENCH_PREFIX, default 127.0.7; .fleet/curve-N). Figures only:
// nothing here passes or fails except a rollout that fails. See bench/README.md.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maxHosts, resetFleet, startFleet, stopFleet, type Fleet } from '../test/fleet/fleet.js';
import { describeMemory, measureFleetMemory } from '../test/fleet/memory.js';
import { REPO_ROOT } from '../test/fleet/paths.js';
import { commitVersion, makeRolloutRepo, type RolloutRepo } from '../test/e2e/support/rollout-repo.js';
import { readJournal } from '../src/records/journal/index.js';
import { journalPath, listRuns } from '../src/records/index.js';
import { curveLines, type CurveRow, type Sample } from './curve-report.js';
import { lowerBoundScript } from './lower-bound.js';
import { timeCommand, type Timed } from './measure.js';
import { benchRollout } from './rollout.js';
import { lieutenantPhases, medianPhases, type Phases } from './phases.js';
import { sshSnapshot, sshUsage } from '../test/fleet/ssh-counts.js';
import { runBench } from './run-main.js';

const SIZES = (process.env.BENCH_HOSTS ?? '10,100,300').split(',').map((size) => Number(size.trim()));
const PREFIX = process.env.BENCH_PREFIX ?? '127.0.7';
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const LIEUTENANT = join(REPO_ROOT, 'bin', 'lieutenant.js');
const log = (line: string) => console.log(line);

/** host → demo version its dpkg database says is installed, read through /proc/<its sshd>/root: no SSH to count. */
async function dpkgVersions(fleet: Fleet): Promise<Map<string, string>> {
  const read = async (host: Fleet['hosts'][number]) => {
    const status = await readFile(`/proc/${host.pid}/root/var/lib/dpkg/status`, 'utf8').catch(() => '');
    const stanza = status.split('\n\n').find((entry) => entry.startsWith('Package: demo\n')) ?? '';
    const installed = /^Status: install ok installed$/m.test(stanza);
    return [host.name, installed ? (/^Version: (.*)$/m.exec(stanza)?.[1] ?? '') : ''] as const;
  };
  return new Map(await Promise.all(fleet.hosts.map(read)));
}

/** Only a rollout that really happened counts: exit 0 and every host on the version. */
async function checked(name: string, timed: Timed, fleet: Fleet, version: string): Promise<void> {
  const off = [...(await dpkgVersions(fleet))].filter(([, installed]) => installed !== version);
  if (timed.code === 0 && off.length === 0) return;
  const tail = `${timed.stdout}\n${timed.stderr}`.trim().split('\n').slice(-15).join('\n');
  throw new Error(
    `${name} exited ${timed.code} with ${off.length} hosts not on ${version} (${off
      .slice(0, 5)
      .map(([host, v]) => `${host}=${v || 'none'}`)
      .join(' ')}); its figures would mean nothing:\n${tail}`,
  );
}

/** Epoch ms of the newest run's first drain, from its journal. */
async function lieutenantFirstDrain(repoDir: string): Promise<number> {
  const [newest] = await listRuns(repoDir);
  if (newest === undefined) return Number.NaN;
  const { events } = await readJournal(journalPath(repoDir, newest));
  const drain = events.find((event) => event.type === 'host.drain.started');
  return drain ? Date.parse(drain.at) : Number.NaN;
}

async function scriptFirstDrain(marks: string): Promise<number> {
  const lines = (await readFile(marks, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return lines.length === 0 ? Number.NaN : Math.min(...lines.map((line) => Number(line) * 1000));
}

/** One timed command, with the SSH connections and commands it caused on the hosts. */
async function measured(
  fleet: Fleet,
  command: [string, string[]],
  options: { env?: NodeJS.ProcessEnv; signal: AbortSignal },
): Promise<{ timed: Timed; sample: Omit<Sample, 'firstDrainMs'> }> {
  const names = fleet.hosts.map((host) => host.name);
  const before = await sshSnapshot(fleet.dir, names);
  const timed = await timeCommand(command[0], command[1], options);
  const ssh = sshUsage(before, await sshSnapshot(fleet.dir, names));
  return {
    timed,
    sample: {
      wallMs: timed.wallMs,
      peakRssKiB: timed.peakRssKiB,
      cpuMs: timed.cpuMs,
      connections: ssh.connections,
      commandsPerHost: ssh.commands / names.length,
      mostCommandsOnAHost: ssh.mostCommandsOnAHost,
    },
  };
}

async function measureSize(hosts: number, work: string, signal: AbortSignal): Promise<CurveRow> {
  const dir = join(REPO_ROOT, '.fleet', `curve-${hosts}`);
  let repo: RolloutRepo | undefined;
  const started = Date.now();
  try {
    // One shared demo service at every size, so the fleet costs the same per host along the curve.
    const fleet = await startFleet({ dir, hosts, prefix: PREFIX, sharedService: true });
    const fleetUpMs = Date.now() - started;
    const memory = await measureFleetMemory(dir);
    log(`${hosts} hosts: fleet up in ${(fleetUpMs / 1000).toFixed(1)} s; ${describeMemory(memory, hosts)}`);
    const rollout = benchRollout(fleet);
    repo = await makeRolloutRepo(fleet, {
      playbook: {
        strategy: {
          batches: ['50%', '50%'],
          // The whole batch at once, as the script does: both take the whole 50% cap.
          concurrency: Math.ceil(hosts / 2),
          maxUnavailable: '50%',
          pause: 'none',
          onFailure: 'rollback',
        },
        health: {
          interval: `${rollout.healthIntervalMs}ms`,
          timeout: '120s',
          successThreshold: rollout.successThreshold,
        },
        drain: { timeout: '60s' },
      },
    });
    await commitVersion(repo, rollout.version);
    const script = join(work, `lower-bound-${hosts}.sh`);
    await writeFile(script, lowerBoundScript(fleet, rollout), { mode: 0o755 });
    const marks = join(work, `drains-${hosts}`);
    const phases: Phases[] = [];
    const row: CurveRow = { hosts, fleetUpMs, fleetPssKiB: memory.pssKiB, lieutenant: [], lowerBound: [], plan: [] };
    const contenders = {
      lieutenant: async () => {
        const { timed, sample } = await measured(
          fleet,
          [process.execPath, [LIEUTENANT, 'run', 'web', '--yes', '--repo', (repo as RolloutRepo).dir]],
          { signal },
        );
        await checked('lieutenant run', timed, fleet, rollout.version);
        phases.push(await lieutenantPhases((repo as RolloutRepo).dir, timed.startedAt, timed.exitedAt));
        row.lieutenant.push({
          ...sample,
          firstDrainMs: (await lieutenantFirstDrain((repo as RolloutRepo).dir)) - timed.startedAt,
        });
      },
      lowerBound: async () => {
        await rm(marks, { force: true });
        const { timed, sample } = await measured(fleet, ['bash', [script]], {
          env: { ...process.env, DRAIN_MARKS: marks },
          signal,
        });
        await checked('lower bound', timed, fleet, rollout.version);
        row.lowerBound.push({ ...sample, firstDrainMs: (await scriptFirstDrain(marks)) - timed.startedAt });
      },
    };
    for (let round = 1; round <= REPEATS; round++) {
      // Alternating which runs first: a busy moment on the shared machine hits both.
      const order = round % 2 === 1 ? (['lieutenant', 'lowerBound'] as const) : (['lowerBound', 'lieutenant'] as const);
      for (const name of order) {
        signal.throwIfAborted();
        await resetFleet(fleet);
        await contenders[name]();
        const last = row[name].at(-1);
        log(
          `  run ${round}/${REPEATS} ${name === 'lieutenant' ? 'lieutenant run' : 'lower bound'}: ${((last?.wallMs ?? 0) / 1000).toFixed(2)} s, first drain ${((last?.firstDrainMs ?? 0) / 1000).toFixed(2)} s`,
        );
      }
    }
    // `lieutenant plan` on the fleet at 1.0: reading every host and preflight — what run does before its first drain.
    await resetFleet(fleet);
    for (let round = 1; round <= REPEATS; round++) {
      const { timed, sample } = await measured(
        fleet,
        [process.execPath, [LIEUTENANT, 'plan', 'web', '--repo', repo.dir]],
        { signal },
      );
      if (timed.code !== 0) throw new Error(`lieutenant plan exited ${timed.code}:\n${timed.stderr.slice(-2000)}`);
      row.plan.push({ ...sample, firstDrainMs: Number.NaN });
    }
    log(`  where lieutenant run spends it at ${hosts} hosts (median of its journals):`);
    for (const [phase, ms] of medianPhases(phases)) log(`    ${phase.padEnd(42)}${(ms / 1000).toFixed(2)} s`);
    return row;
  } finally {
    await stopFleet(dir);
    await repo?.remove();
  }
}

async function main(signal: AbortSignal): Promise<void> {
  for (const size of SIZES)
    if (!Number.isInteger(size) || size < 2 || size > maxHosts(PREFIX))
      throw new Error(
        `BENCH_HOSTS=${process.env.BENCH_HOSTS}: whole numbers of hosts from 2 to ${maxHosts(PREFIX)}, comma-separated`,
      );
  if (!/^127\.\d{1,3}\.\d{1,3}$/.test(PREFIX))
    throw new Error(`BENCH_PREFIX=${PREFIX}: a loopback prefix such as 127.0.7`);
  log(
    `cost curve: demo 1.0 → 1.1 at ${SIZES.join(', ')} hosts, two batches of 50% (cap 50%, the whole batch at once), ` +
      `${REPEATS} runs each of lieutenant run and the lower-bound script, then ${REPEATS} of lieutenant plan; fleet on ${PREFIX}`,
  );
  const work = await mkdtemp(join(tmpdir(), 'lieutenant-curve-'));
  try {
    const rows: CurveRow[] = [];
    for (const size of SIZES) rows.push(await measureSize(size, work, signal));
    log('');
    for (const line of curveLines(rows)) log(line);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

runBench(main);
