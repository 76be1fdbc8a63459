/** A run that would not fit in `ulimit -n` is refused before the first connection, saying what to change. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { INITIAL_VERSION } from '../fleet/fleet.js';
import { allOn, installedVersions } from './support/fleet-state.js';
import { hostNames, useFreshFleet } from './support/given-fleet.js';
import { journals } from './support/lieutenant.js';
import { LIEUTENANT_BIN } from './support/lieutenant-process.js';
import { commitVersion } from './support/rollout-repo.js';

const given = useFreshFleet();

/** `lieutenant ARGS` in a shell whose open-file limit is `limit` (soft and hard: Node raises its soft limit to the hard one). */
function underLimit(limit: number, args: string[], repoDir: string) {
  const { CI: _ci, ...env } = process.env;
  const command = `ulimit -n ${limit} && exec "$0" "$@"`;
  const child = spawn('bash', ['-c', command, process.execPath, LIEUTENANT_BIN, ...args, '--repo', repoDir], {
    cwd: repoDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('the open-file limit', () => {
  it('given ulimit -n 120, when a run starts, then it exits 2 naming the files it needs and how to raise the limit, and nothing changed', async () => {
    // Given
    const hosts = hostNames(given.fleet);
    const repo = await given.repo();
    await commitVersion(repo, '1.1');

    // When
    const refused = await underLimit(120, ['run', 'web', '--yes'], repo.dir);

    // Then
    expect(refused.code, refused.output).toBe(2);
    expect(refused.output).toMatch(
      /staging needs about \d+ open files but this process may open 120 \(ulimit -n\); nothing was changed on any host/,
    );
    expect(refused.output).toContain(`${hosts.length} SSH connections, kept open for the run`);
    expect(refused.output).toMatch(/raise the limit: ulimit -n \d+ in the shell that runs lieutenant/);
    expect(refused.output).not.toMatch(/\n\s+at /); // no stack trace
    expect(await journals(repo)).toEqual([]);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));
  });

  it('given the limit the refusal asked for, when planned, then it reads the fleet and plans', async () => {
    // Given
    const repo = await given.repo();
    await commitVersion(repo, '1.1');
    const refused = await underLimit(120, ['plan', 'web'], repo.dir);
    const asked = Number(/ulimit -n (\d+)/.exec(refused.output)?.[1]);
    expect(asked, refused.output).toBeGreaterThan(120);

    // When
    const planned = await underLimit(asked, ['plan', 'web'], repo.dir);

    // Then
    expect(planned.code, planned.output).toBe(0);
    expect(planned.output).toContain('demo');
  });
});
