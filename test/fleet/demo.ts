// npm run demo: a real rollout on the local fleet. Brings up 6 hosts on demo 1.0,
// makes a throwaway rollout repo whose last commit releases demo 1.1, runs
// `lieutenant run web` in it while steady traffic goes through HAProxy (so the
// playbook's analysis between the batches has real requests to judge), and
// tears the fleet down on the way out (Ctrl-C too).
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { isScalar, parseDocument } from 'yaml';
import { runChecked } from './exec.js';
import type { Fleet } from './fleet.js';
import { DEFAULT_PREFIX, startFleet, stopFleet } from './fleet.js';
import { REPO_ROOT } from './paths.js';
import { startTraffic, type TrafficGenerator } from '../e2e/support/traffic.js';

const FLEET_DIR = join(REPO_ROOT, '.fleet', 'demo');
const LIEUTENANT = join(REPO_ROOT, 'bin', 'lieutenant.js');
const EXIT_MEANING: Record<number, string> = {
  1: 'the rollout failed (rolled back or halted)',
  3: 'stopped by an operator',
  4: 'another run holds the lock',
};

/** Rewrites targets.web.packages.demo, keeping the playbook's comments and quoting. */
async function setDemoVersion(playbook: string, version: string): Promise<void> {
  const doc = parseDocument(await readFile(playbook, 'utf8'));
  const node = doc.getIn(['targets', 'web', 'packages', 'demo'], true);
  if (!isScalar(node)) throw new Error(`${playbook} has no targets.web.packages.demo to release`);
  node.value = version;
  await writeFile(playbook, doc.toString());
}

/** The rollout repo: the fleet's inventory as inventories/staging.yaml, the project's playbooks, two commits. */
async function makeRolloutRepo(fleet: Fleet): Promise<{ dir: string; release: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'lieutenant-demo-'));
  const git = (...args: string[]) => runChecked('git', args, { cwd: dir });
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.name', 'Lieutenant demo');
  await git('config', 'user.email', 'demo@lieutenant.invalid');
  await mkdir(join(dir, 'inventories'));
  await mkdir(join(dir, 'playbooks'));
  await copyFile(fleet.inventoryPath, join(dir, 'inventories', 'staging.yaml'));
  const playbooks = (await readdir(join(REPO_ROOT, 'playbooks'))).filter((name) => /\.ya?ml$/.test(name));
  for (const name of playbooks) await copyFile(join(REPO_ROOT, 'playbooks', name), join(dir, 'playbooks', name));
  const web = join(dir, 'playbooks', 'web.yaml');
  await setDemoVersion(web, '1.0');
  await git('add', '.');
  await git('commit', '-q', '-m', 'Pin demo 1.0, what the fleet runs');
  await setDemoVersion(web, '1.1');
  await git('commit', '-q', '-am', 'Release demo 1.1');
  return { dir, release: (await git('rev-parse', '--short', 'HEAD')).trim() };
}

/** "web-01=1.1" per host, read over SSH: what the demo shows after the run. */
async function installedVersions(fleet: Fleet): Promise<string[]> {
  const answers = await Promise.all(
    fleet.hosts.map((host) => fleet.ssh(host.name, "dpkg-query -W -f='${Version}' demo")),
  );
  return fleet.hosts.map((host, i) => `${host.name}=${answers[i]?.stdout.trim() || '?'}`);
}

function runLieutenant(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    // Same terminal, same process group: Ctrl-C reaches lieutenant, which stops cleanly; we wait for it.
    const child = spawn(process.execPath, [LIEUTENANT, ...args], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });
}

async function main(): Promise<number> {
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let rolloutRepo: string | undefined;
  let fleet: Fleet | undefined;
  let traffic: TrafficGenerator | undefined;
  try {
    const started = Date.now();
    fleet = await startFleet({
      dir: FLEET_DIR,
      hosts: 6,
      prefix: process.env.LIEUTENANT_FLEET_PREFIX ?? DEFAULT_PREFIX,
      owner: process.pid,
    });
    console.log(
      `fleet up: ${fleet.hosts.length} hosts on demo 1.0 in ${((Date.now() - started) / 1000).toFixed(1)} s, behind ${fleet.haproxy.frontendUrl}`,
    );
    if (interrupted) return 130;
    const repo = await makeRolloutRepo(fleet);
    rolloutRepo = repo.dir;
    console.log(`rollout repo: ${repo.dir} (HEAD ${repo.release} "Release demo 1.1")\n`);
    // Users of the service, until the fleet goes: the analysis after each batch (and of a revert) judges their requests.
    traffic = startTraffic(fleet.haproxy.frontendUrl, { loops: 2, pauseMs: 20 });
    console.log(`traffic: 2 clients requesting ${fleet.haproxy.frontendUrl}/ until the fleet is torn down`);
    console.log(`$ lieutenant run web --repo ${repo.dir}`);
    const code = await runLieutenant(['run', 'web', '--repo', repo.dir]);
    console.log('');
    if (code === 2) {
      console.log(
        'lieutenant run exited 2: it refused its input (the message above says why); nothing was changed on any host.',
      );
      return 2;
    }
    if (code !== 0) {
      console.log(`lieutenant run exited ${code}: ${EXIT_MEANING[code] ?? 'interrupted'}.`);
      return code;
    }
    const versions = await installedVersions(fleet);
    console.log(`fleet now: ${versions.join(' ')}`);
    if (!versions.every((entry) => entry.endsWith('=1.1'))) {
      console.log('lieutenant run exited 0 but the fleet is not on demo 1.1: the CLI did not run the rollout.');
      return 1;
    }
    console.log('Rolled out demo 1.1. To roll it back, in another terminal:');
    console.log(`  node ${LIEUTENANT} revert ${repo.release} --run --repo ${repo.dir}`);
    console.log(`  npm run fleet -- status --dir ${FLEET_DIR}`);
    if (process.stdin.isTTY && !interrupted) {
      const prompt = createInterface({ input: process.stdin, output: process.stdout });
      const done = new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await Promise.race([prompt.question('Press Enter to tear the fleet down. '), done]);
      prompt.close();
    }
    return 0;
  } finally {
    await traffic?.stop();
    // Only a fleet this demo started: a refused start must not take down the fleet that was there.
    if (fleet) {
      console.log('tearing the fleet down…');
      await stopFleet(FLEET_DIR);
    }
    if (rolloutRepo) await rm(rolloutRepo, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`demo: ${error.message}`);
    process.exitCode = 1;
  },
);
