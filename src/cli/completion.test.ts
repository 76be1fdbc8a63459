/**
 * Completion as a user meets it: the script `lieutenant completion bash`
 * prints, sourced in a real bash, asked for each line through COMP_WORDS the
 * way bash asks it on Tab; `lieutenant` there is this checkout's bin/.
 * The zsh and fish scripts share the same callback, checked here in-process.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complete } from './completion.js';
import { buildProgram, runCli } from './main.js';
import { captureIo, testContext } from './testing.js';

const BIN = fileURLToPath(new URL('../../bin/lieutenant.js', import.meta.url));
let repo: string;

beforeAll(async () => {
  // Given a rollout repo with two playbooks, two inventories and two runs on this machine
  repo = await mkdtemp(join(tmpdir(), 'lieutenant-completion-'));
  await mkdir(join(repo, 'playbooks'));
  await mkdir(join(repo, 'inventories'));
  await mkdir(join(repo, '.lieutenant/runs'), { recursive: true });
  for (const file of [
    'playbooks/web.yaml',
    'playbooks/db.yaml',
    'inventories/production.yaml',
    'inventories/staging.yaml',
  ])
    await writeFile(join(repo, file), '');
  for (const run of ['20261122T130501Z-web-3f2a', '20261123T090000Z-db-0b1c'])
    await writeFile(join(repo, '.lieutenant/runs', `${run}.jsonl`), '');
  await writeFile(join(repo, 'hosts.ini'), '');
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

/** What bash offers on Tab for each line (the last word being typed), from the sourced script. */
async function bashOffers(lines: string[][]): Promise<string[][]> {
  const io = captureIo();
  expect(await runCli(['completion', 'bash'], io)).toBe(0);
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const asks = lines.map(
    (words) =>
      `COMP_WORDS=(lieutenant ${words.map(quote).join(' ')}); COMP_CWORD=${words.length}; COMPREPLY=(); ` +
      `_lieutenant; printf '%s\\n' "\${COMPREPLY[*]}"`,
  );
  const script = [
    `lieutenant() { ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"; }`,
    io.out(),
    `[[ "$(complete -p lieutenant)" == "complete -F _lieutenant lieutenant" ]] || echo "not registered" >&2`,
    ...asks,
  ].join('\n');
  const { stdout, stderr } = await promisify(execFile)('bash', ['--norc', '--noprofile', '-c', script], {
    cwd: repo,
    env: { ...process.env, LIEUTENANT_REPO: '' },
  });
  expect(stderr).toBe('');
  return stdout
    .split('\n')
    .slice(0, lines.length)
    .map((line) => line.split(' ').filter(Boolean).sort());
}

describe('lieutenant completion bash, sourced in bash', () => {
  it('completes commands, flags, rollouts, environments, run ids, files and shells', async () => {
    const offers = await bashOffers([
      [''],
      ['re'],
      ['run', ''],
      ['revert', '--env', 'st'],
      ['approve', ''],
      ['import', 'ansible', 'ho'],
    ]);
    expect(offers[0]).toEqual(expect.arrayContaining(['init', 'run', 'status', 'watch', 'sync', 'completion', 'help']));
    expect(offers[0]).not.toContain('__complete');
    expect(offers[1]).toEqual(['resume', 'revert']);
    expect(offers[2]).toEqual(['db', 'web']);
    expect(offers[3]).toEqual(['staging']);
    expect(offers[4]).toEqual(['20261122T130501Z-web-3f2a', '20261123T090000Z-db-0b1c']);
    expect(offers[5]).toEqual(['hosts.ini']);
  }, 120_000);
});

describe('the completion callback', () => {
  const program = buildProgram(testContext());

  it.each([
    [['plan', 'w'], ['web']],
    [
      ['status', ''],
      ['production', 'staging'],
    ],
    [
      ['validate', '--r'],
      ['--rev', '--repo'],
    ],
    [['--repo', '.', 'history', 'p'], ['production']],
    [
      ['completion', ''],
      ['bash', 'zsh', 'fish'],
    ],
    [['run', 'web', ''], []],
    [['run', '--rev', ''], []],
    [['help', 'wa'], ['watch']],
  ])('offers for %j: %j', async (words, offered) => {
    expect(await complete(program, words, repo)).toEqual(offered);
  });

  it('reads the repo a --repo names, and offers nothing it cannot read', async () => {
    expect(await complete(program, ['--repo', repo, 'run', ''], '/')).toEqual(['db', 'web']);
    expect(await complete(program, ['--repo', join(repo, 'missing'), 'run', ''], '/')).toEqual([]);
    expect(await complete(program, ['--repo', ''], repo)).toEqual([':dirs']);
  });

  it.each(['zsh', 'fish'])('prints a %s script that calls the same callback', async (shell) => {
    const io = captureIo();
    expect(await runCli(['completion', shell], io)).toBe(0);
    expect(io.out()).toContain('__complete --');
    expect(io.out()).toMatch(/:files/);
  });

  it('refuses a shell it has no script for', async () => {
    const io = captureIo();
    expect(await runCli(['completion', 'tcsh'], io)).toBe(2);
    expect(io.err()).toMatch(/Allowed choices are bash, zsh, fish/);
  });
});
