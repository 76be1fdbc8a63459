/**
 * contrib/systemd/lieutenant-watch.service against the program: its
 * ExecStart parses with the real commander program into a valid watch
 * request, its stop and restart settings match what watch does on SIGTERM
 * and which exit codes it has, and systemd's own `systemd-analyze verify`
 * accepts the file. docs/operations.md shows the same ExecStart.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../core/exit-codes.js';
import { buildProgram } from './main.js';
import { captureIo } from './testing.js';
import { watchRequest, type WatchFlags } from './watch.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const UNIT_NAME = 'lieutenant-watch.service';
const unitText = await readFile(join(ROOT, 'contrib', 'systemd', UNIT_NAME), 'utf8');

/** section → key → values (a key may repeat), as systemd reads a unit: comments and blank lines skipped. */
function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let current: Record<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = sections[header[1] ?? ''] = {};
      continue;
    }
    const at = line.indexOf('=');
    if (current === undefined || at < 0) throw new Error(`${UNIT_NAME}: not a unit line: ${line}`);
    (current[line.slice(0, at)] ??= []).push(line.slice(at + 1));
  }
  return sections;
}

const service = parseUnit(unitText)['Service'] ?? {};
const one = (key: string): string => {
  const values = service[key] ?? [];
  if (values.length !== 1) throw new Error(`${UNIT_NAME} has ${values.length} ${key}= lines, not one`);
  return values[0] ?? '';
};
const execStart = one('ExecStart');
const [binary = '', ...args] = execStart.split(/\s+/);

/** systemd time spans as this unit writes them: 90s, 30min, 1h. */
function seconds(span: string): number {
  const match = /^(\d+)(s|min|h)$/.exec(span);
  if (!match) throw new Error(`${UNIT_NAME}: ${span} is not a span this test reads (Ns, Nmin, Nh)`);
  return Number(match[1]) * { s: 1, min: 60, h: 3600 }[match[2] as 's' | 'min' | 'h'];
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe(`contrib/systemd/${UNIT_NAME}`, () => {
  it('Given its ExecStart, When parsed by the real program, Then it is watch with flags that make a valid request serving /metrics', async () => {
    // Given the program, with watch's action replaced by one that keeps the flags
    const program = buildProgram({
      io: captureIo(),
      cwd: ROOT,
      signal: new AbortController().signal,
      forceSignal: new AbortController().signal,
      setExitCode: () => undefined,
    });
    let parsed: WatchFlags | undefined;
    program.commands
      .find((command) => command.name() === 'watch')
      ?.action((flags: WatchFlags) => void (parsed = flags));
    // When
    await program.parseAsync(args, { from: 'user' });
    // Then: the installed binary, the watch command, and a request watch accepts (it throws exit 2 otherwise)
    expect(binary).toMatch(/^\/\S+\/lieutenant$/);
    expect(args[0]).toBe('watch');
    if (parsed === undefined) throw new Error(`ExecStart did not reach watch: ${execStart}`);
    const request = watchRequest(one('WorkingDirectory'), parsed);
    expect(request).toMatchObject({ repoDir: '/var/lib/lieutenant/rollouts', once: false });
    expect(request.listen?.host).toBe('127.0.0.1');
  });

  it('Given its [Service], Then a dedicated user, SIGTERM to the main process with time for a batch, restart on failure but not on bad input, and writes allowed where the state lives', () => {
    expect(one('User')).toBe('lieutenant');
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(one('KillMode')).toBe('mixed');
    expect(seconds(one('TimeoutStopSec'))).toBeGreaterThanOrEqual(10 * 60);
    expect(one('Restart')).toBe('on-failure');
    // watch exits 0 after SIGTERM (not a failure: no restart loop on stop); exit 2 is bad input, which a restart cannot fix
    expect(one('RestartPreventExitStatus')).toBe(String(ExitCode.badInput));
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    // ProtectSystem=strict: the rollout repo's .lieutenant/ (locks, journals) and HOME (~/.ssh) must be writable
    const writable = (service['ReadWritePaths'] ?? []).flatMap((value) => value.split(/\s+/));
    const home = (service['Environment'] ?? []).find((value) => value.startsWith('HOME='))?.slice('HOME='.length);
    for (const path of [one('WorkingDirectory'), home ?? '(no HOME=)'])
      expect(
        writable.some((dir) => path === dir || path.startsWith(`${dir}/`)),
        path,
      ).toBe(true);
  });

  it('Given the unit with ExecStart pointing at this checkout, When systemd-analyze verify reads it, Then it says nothing and exits 0', async () => {
    // Given (verify insists the command exists and is executable; everything else is the file as shipped)
    const dir = await mkdtemp(join(tmpdir(), 'lieutenant-unit-'));
    dirs.push(dir);
    await writeFile(join(dir, UNIT_NAME), unitText.replace(binary, join(ROOT, 'bin', 'lieutenant.js')));
    // When
    const verified = spawnSync('systemd-analyze', ['verify', `./${UNIT_NAME}`], { cwd: dir, encoding: 'utf8' });
    // Then
    expect(verified.error).toBeUndefined();
    expect({ status: verified.status, output: `${verified.stdout}${verified.stderr}` }).toEqual({
      status: 0,
      output: '',
    });
  });

  it('Given docs/operations.md, Then its sample runs the same ExecStart', async () => {
    const doc = await readFile(join(ROOT, 'docs', 'operations.md'), 'utf8');
    expect(doc).toContain(`ExecStart=${execStart}`);
  });
});
