// npm run bench: how long Lieutenant takes for one real rollout, against the
// lower bound of a plain parallel-OpenSSH bash script and (when installed)
// an Ansible rolling update, on a fleet of its own (6 hosts, 127.0.7, .fleet/bench),
// and what each rollout cost HAProxy's runtime API.
// How the costs grow with the fleet (10, 100, 300 hosts; BENCH_HOSTS) is curve.bench.ts, run after this one.
// Figures only — nothing here passes or fails (except a rollout that fails). See bench/README.md.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetFleet, startFleet, stopFleet } from '../test/fleet/fleet.js';
import type { Fleet } from '../test/fleet/fleet.js';
import { REPO_ROOT } from '../test/fleet/paths.js';
import { installedVersions } from '../test/e2e/support/fleet-state.js';
import { commitVersion, makeRolloutRepo, type RolloutRepo } from '../test/e2e/support/rollout-repo.js';
import { cliEntry } from '../bin/cli-entry.js';
import { ansibleMissing, writeAnsibleFiles } from './ansible.js';
import { buildLieutenant } from './compiled.js';
import { lowerBoundScript } from './lower-bound.js';
import { median, rssMethod, timeCommand, type Timed } from './measure.js';
import { lieutenantPhases, medianPhases, type Phases } from './phases.js';
import { reportLines, type Contender } from './report.js';
import { benchRollout } from './rollout.js';
import { describeUsage, medianUsage, runtimeApiUsage } from './runtime-api.js';
import type { RuntimeUsage } from '../src/adapters/haproxy/index.js';
import { runBench } from './run-main.js';

const HOSTS = 6;
/** Larger fleets are curve.bench.ts, with the lower bound beside Lieutenant at every size. */
const PREFIX = process.env.BENCH_PREFIX ?? '127.0.7';
const FLEET_DIR = join(REPO_ROOT, '.fleet', 'bench');
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const LIEUTENANT = join(REPO_ROOT, 'bin', 'lieutenant.js');
/** What bin/ runs in this checkout: dist/ when `npm ci` (prepare) or `npm run build` made it and no source changed since. */
const BIN_ROW = `lieutenant run (bin/: ${cliEntry(REPO_ROOT).built ? 'dist/' : 'tsx'})`;

interface Runner {
  name: string;
  skipped?: string;
  run(signal: AbortSignal): Promise<Timed>;
}

/** A measurement only counts if the rollout really happened: exit 0 and every host on the version. */
async function checkedRun(runner: Runner, fleet: Fleet, version: string, signal: AbortSignal): Promise<Timed> {
  const timed = await runner.run(signal);
  const versions = await installedVersions(fleet);
  const off = Object.entries(versions).filter(([, installed]) => installed !== version);
  if (timed.code !== 0 || off.length > 0) {
    const tail = `${timed.stdout}\n${timed.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(
      `${runner.name} exited ${timed.code} with ${off.map(([host, v]) => `${host}=${v || 'none'}`).join(' ') || 'every host on ' + version}; its figures would mean nothing:\n${tail}`,
    );
  }
  return timed;
}

async function main(signal: AbortSignal): Promise<void> {
  const started = Date.now();
  const log = (line: string) => console.log(line);
  let repo: RolloutRepo | undefined;
  if (!/^127\.\d{1,3}\.\d{1,3}$/.test(PREFIX))
    throw new Error(`BENCH_PREFIX=${PREFIX}: a loopback prefix such as 127.0.7`);
  const work = await mkdtemp(join(tmpdir(), 'lieutenant-bench-'));
  try {
    const fleet = await startFleet({ dir: FLEET_DIR, hosts: HOSTS, prefix: PREFIX });
    log(
      `fleet: ${fleet.hosts.length} hosts on ${PREFIX}.x up in ${((Date.now() - started) / 1000).toFixed(1)} s (${FLEET_DIR})`,
    );
    const rollout = benchRollout(fleet);
    repo = await makeRolloutRepo(fleet, {
      playbook: {
        strategy: {
          batches: ['50%', '50%'],
          // The whole batch at once: 50 hosts draining and returning together at 100 hosts.
          concurrency: Math.max(10, Math.ceil(HOSTS / 2)),
          maxUnavailable: '50%',
          pause: 'none',
          onFailure: 'rollback',
        },
        health: {
          interval: `${rollout.healthIntervalMs}ms`,
          timeout: '60s',
          successThreshold: rollout.successThreshold,
        },
        drain: { timeout: '30s' },
      },
    });
    await commitVersion(repo, rollout.version);
    const repoDir = repo.dir;
    const script = join(work, 'lower-bound.sh');
    await writeFile(script, lowerBoundScript(fleet, rollout), { mode: 0o755 });
    // At scale only Lieutenant runs: the others would take minutes a run and measure nothing new there.
    const missing = await ansibleMissing();
    const ansible = missing === undefined ? await writeAnsibleFiles(fleet, rollout, work) : undefined;
    const compiled = await buildLieutenant(join(FLEET_DIR, 'build'));

    const runners: Runner[] = [
      {
        name: BIN_ROW,
        run: (s) =>
          timeCommand(process.execPath, [LIEUTENANT, 'run', 'web', '--yes', '--repo', repoDir], { signal: s }),
      },
      'entry' in compiled
        ? {
            name: 'lieutenant run (compiled)',
            run: (s) =>
              timeCommand(process.execPath, [compiled.entry, 'run', 'web', '--yes', '--repo', repoDir], { signal: s }),
          }
        : {
            name: 'lieutenant run (compiled)',
            skipped: compiled.skipped,
            run: () => Promise.reject(new Error('skipped')),
          },
      { name: 'lower bound (bash + OpenSSH)', run: (s) => timeCommand('bash', [script], { signal: s }) },
      ansible
        ? {
            name: 'ansible-playbook',
            run: (s) =>
              timeCommand('ansible-playbook', ['-i', ansible.inventory, ansible.playbook], {
                env: ansible.env,
                signal: s,
              }),
          }
        : { name: 'ansible-playbook', skipped: missing ?? 'skipped', run: () => Promise.reject(new Error('skipped')) },
    ];
    const contenders: Contender[] = runners.map((runner) => ({
      name: runner.name,
      wallMs: [],
      peakRssKiB: [],
      ...(runner.skipped ? { skipped: runner.skipped } : {}),
    }));

    log(
      `rollout: demo 1.0 → ${rollout.version} in ${rollout.batches.length} batches (${rollout.batches.map((b) => (b.length > 6 ? `${b[0]} … ${b.at(-1)}, ${b.length} hosts` : b.join(' '))).join(' | ')}); drain, apt, health ${rollout.successThreshold}× every ${rollout.healthIntervalMs} ms, return`,
    );
    const phases = new Map<string, Phases[]>();
    const usages = new Map<string, RuntimeUsage[]>();
    log(
      `${REPEATS} runs each, interleaved (each round starting one contender later), the fleet reset to demo 1.0 before every run; lower bound script: ${script}`,
    );
    for (let round = 1; round <= REPEATS; round++) {
      // Each round starts one contender later (L C B A, C B A L, …): no contender always runs first, or after the same one.
      const order = runners.map((_, k) => (k + round - 1) % runners.length);
      for (const i of order) {
        const runner = runners[i];
        const contender = contenders[i];
        if (!runner || runner.skipped !== undefined || !contender) continue;
        signal.throwIfAborted();
        await resetFleet(fleet);
        const timed = await checkedRun(runner, fleet, rollout.version, signal);
        contender.wallMs.push(timed.wallMs);
        if (runner.name.startsWith('lieutenant'))
          phases.set(runner.name, [
            ...(phases.get(runner.name) ?? []),
            await lieutenantPhases(repoDir, timed.startedAt, timed.exitedAt),
          ]);
        contender.peakRssKiB.push(timed.peakRssKiB);
        const usage = runner.name.startsWith('lieutenant') ? await runtimeApiUsage(repoDir) : undefined;
        if (usage) usages.set(runner.name, [...(usages.get(runner.name) ?? []), usage]);
        log(
          `  run ${round}/${REPEATS} ${runner.name}: ${(timed.wallMs / 1000).toFixed(2)} s, peak RSS ${timed.peakRssKiB === undefined ? 'n/a' : `${(timed.peakRssKiB / 1024).toFixed(1)} MiB`}${usage ? `, ${describeUsage(usage)}` : ''}`,
        );
      }
    }

    // What a user pays before any host is touched: node start + loading the CLI (through tsx unless dist/ is built).
    const startup: number[] = [];
    const startupCompiled: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      startup.push((await timeCommand(process.execPath, [LIEUTENANT, '--version'], { signal })).wallMs);
      if ('entry' in compiled)
        startupCompiled.push((await timeCommand(process.execPath, [compiled.entry, '--version'], { signal })).wallMs);
    }

    log('');
    for (const line of reportLines(contenders, [BIN_ROW, 'lieutenant run (compiled)'], 'lower bound (bash + OpenSSH)'))
      log(line);
    for (const [name, runs] of phases) {
      log('');
      log(`where ${name} spends it (median of its journals):`);
      for (const [phase, ms] of medianPhases(runs)) log(`  ${phase.padEnd(42)}${(ms / 1000).toFixed(2)} s`);
    }
    log('');
    log(
      `HAProxy runtime API per rollout of ${HOSTS} hosts (median of the run logs; "at most": the highest of any run):`,
    );
    for (const [name, runs] of usages) log(`  ${name}: ${describeUsage(medianUsage(runs))}`);
    log('');
    log(
      `CLI start-up alone, node bin/lieutenant.js --version: ${(median(startup) / 1000).toFixed(2)} s${cliEntry(REPO_ROOT).built ? ' (it runs the compiled dist/)' : ' (sources through tsx: dist/ is older than src/, or not built)'}`,
    );
    if ('entry' in compiled) log(`CLI start-up alone, compiled: ${(median(startupCompiled) / 1000).toFixed(2)} s`);
    log(
      `peak RSS: ${rssMethod()} (for the bash script: its largest single process, not the sum of its ssh/curl children)`,
    );
  } finally {
    log(`tearing the bench fleet down (${FLEET_DIR})`);
    await stopFleet(FLEET_DIR);
    await rm(join(FLEET_DIR, 'build'), { recursive: true, force: true });
    await repo?.remove();
    await rm(work, { recursive: true, force: true });
  }
}

runBench(main);
