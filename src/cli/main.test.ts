import { describe, expect, it } from 'vitest';
import { AbortError, describeFailure } from './errors.js';
import { buildProgram, runCli } from './main.js';
import { captureIo, testContext } from './testing.js';

const widest = (text: string): number => Math.max(...text.split('\n').map((line) => line.length));

describe('lieutenant (the command line shell)', () => {
  it('lists every command with its arguments (not its flags), and --repo, within 80 columns', async () => {
    // When --help is printed to something that is not a terminal
    const io = captureIo();
    expect(await runCli(['--help'], io)).toBe(0);
    // Then each command is listed by its short usage, its summary right after it
    expect(io.out()).toMatch(/^ {2}run PLAYBOOK {2,}rolls the committed versions out/m);
    expect(io.out()).toMatch(/^ {2}approve \[RUN\] {2,}answers/m);
    expect(io.out()).toMatch(/^ {2}help \[COMMAND\] {2,}/m);
    expect(io.out()).toContain('--repo <dir>');
    // And no line is wider than a terminal
    expect(widest(io.out())).toBeLessThanOrEqual(80);
  });

  it.each([
    'init',
    'import',
    'validate',
    'plan',
    'run',
    'approve',
    'abort',
    'revert',
    'status',
    'history',
    'resume',
    'watch',
  ])('lieutenant help %s prints that command’s synopsis, flags and examples, within 80 columns', async (name) => {
    // When help for the command is asked for both ways
    const viaHelp = captureIo();
    expect(await runCli(['help', name], viaHelp)).toBe(0);
    const viaFlag = captureIo();
    expect(await runCli([name, '--help'], viaFlag)).toBe(0);
    // Then both print the same page: the synopsis, the flags, examples that use the command
    expect(viaHelp.out()).toBe(viaFlag.out());
    expect(viaHelp.out()).toMatch(new RegExp(`^Usage: lieutenant ${name}\\b`));
    expect(viaHelp.out()).toMatch(new RegExp(`\\nExamples:\\n[\\s\\S]*lieutenant ${name}\\b`));
    expect(widest(viaHelp.out())).toBeLessThanOrEqual(80);
  });

  it('wraps help to a wider terminal when it is one', async () => {
    // Given a 120-column terminal
    const io = captureIo();
    const wide = { ...io, stdout: { ...io.stdout, write: io.stdout.write, isTTY: true, columns: 120 } };
    // When the help of watch is printed, Then its synopsis takes fewer, longer lines
    expect(await runCli(['help', 'watch'], wide)).toBe(0);
    expect(widest(io.out())).toBeGreaterThan(80);
    expect(widest(io.out())).toBeLessThanOrEqual(120);
  });

  it('shows --repo in every command’s help', async () => {
    const io = captureIo();
    expect(await runCli(['run', '--help'], io)).toBe(0);
    expect(io.out()).toMatch(/^Usage: lieutenant run PLAYBOOK \[--yes\] \[--json\] \[--rev REV\] \[--push REMOTE\]$/m);
    expect(io.out()).toMatch(/Global Options:[\s\S]*--repo <dir>/);
  });

  it.each([
    [['deploy'], /unknown command 'deploy'/],
    [['validate', '--force'], /unknown option '--force'/],
    [['plan'], /missing required argument 'playbook'/],
  ])('exits 2 on bad input: %j', async (argv, message) => {
    const io = captureIo();
    expect(await runCli(argv, io)).toBe(2);
    expect(io.err()).toMatch(message);
  });

  it.each([['-v'], ['-V'], ['--version'], ['--repo', '.', '-v']])('prints the version for %j', async (...argv) => {
    const io = captureIo();
    expect(await runCli(argv, io)).toBe(0);
    expect(io.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('keeps -v after a command an unknown flag of that command', async () => {
    const io = captureIo();
    expect(await runCli(['validate', '-v'], io)).toBe(2);
    expect(io.err()).toMatch(/unknown option '-v'/);
  });

  it('prints the help of help, and refuses help for a command that does not exist', async () => {
    const io = captureIo();
    expect(await runCli(['help', 'help'], io)).toBe(0);
    expect(io.out()).toMatch(/^Usage: lieutenant help \[COMMAND\]\n/);
    const unknown = captureIo();
    expect(await runCli(['help', 'deploy'], unknown)).toBe(2);
    expect(unknown.err()).toMatch(/^error: unknown command 'deploy'\nthe commands are init, import, /);
    expect(unknown.out()).toBe('');
  });

  it('says each flag’s default once, without quotes, and the variable it is also read from', async () => {
    for (const command of buildProgram(testContext()).commands) {
      const io = captureIo();
      expect(await runCli(['help', command.name()], io)).toBe(0);
      // One item per flag: its lines joined
      const flags = io
        .out()
        .split(/\n(?= {2}-)/)
        .map((item) => item.replace(/\n\s+/g, ' '));
      expect(flags.filter((flag) => (flag.match(/\bdefault\b/g) ?? []).length > 1)).toEqual([]);
      expect(io.out()).not.toMatch(/default: "/);
      expect(flags.join('\n')).toContain('(default: the current directory, env: LIEUTENANT_REPO)');
    }
  });

  it.each([
    ['status'],
    ['history'],
    ['validate'],
    ['plan', 'web'],
    ['run', 'web', '--yes'],
    ['resume'],
    ['approve'],
    ['abort'],
    ['revert'],
    ['sync', 'production'],
    ['watch', '--once'],
  ])('exits 2, naming the directory, for %j in a --repo that does not exist', async (...argv) => {
    const io = captureIo();
    expect(await runCli(['--repo', '/nonexistent/rollouts', ...argv], io)).toBe(2);
    expect(io.err()).toMatch(/\/nonexistent\/rollouts/);
    expect(io.err()).not.toMatch(/internal error/);
  });

  it('tells what the user can fix from what is a bug', () => {
    expect(describeFailure(new AbortError('no run is waiting', 'start one with lieutenant run web', 4))).toEqual({
      text: 'error: no run is waiting\nstart one with lieutenant run web\n',
      exitCode: 4,
    });
    const bug = describeFailure(new TypeError('x is undefined'));
    expect(bug.exitCode).toBe(70);
    expect(bug.text).toMatch(/^internal error — this is a bug in Lieutenant[\s\S]*TypeError: x is undefined\n\s+at /);
  });
});
