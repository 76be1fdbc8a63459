import { describe, expect, it } from 'vitest';
import { AbortError, describeFailure } from './errors.js';
import { runCli } from './main.js';
import { captureIo } from './testing.js';

describe('lieutenant (the command line shell)', () => {
  it('lists every command with its synopsis, and --repo (docs-commands.test.ts holds them to docs/commands.md)', async () => {
    // When --help is printed
    const io = captureIo();
    expect(await runCli(['--help'], io)).toBe(0);
    // Then each command is listed as the docs write it, and the global option with them
    expect(io.out()).toMatch(/^ {2}run PLAYBOOK \[--yes\] \[--json\] \[--rev REV\] \[--push REMOTE\] {2,}/m);
    expect(io.out()).toMatch(/^ {2}approve \[RUN\] \[--reason TEXT\] {2,}/m);
    expect(io.out()).toContain('--repo <dir>');
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
