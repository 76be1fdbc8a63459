import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { combinedCommand, splitCombined } from './combined.js';

const exec = promisify(execFile);

/** Runs the combined command with the real sh, as the host would. */
async function runLocally(argv: readonly string[]) {
  const [file = '', ...args] = argv;
  try {
    const { stdout, stderr } = await exec(file, args);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('combined commands', () => {
  it("Given two commands with their own outputs and exit codes, When run as one with sh, Then each one's output and code come back apart", async () => {
    const command = combinedCommand([
      { argv: ['sh', '-c', 'printf "a\\tb\\n"; echo oops >&2; exit 1'], privileged: false },
      { argv: ['printf', '%s', "it's; $(not run) `x`"], privileged: false },
    ]);
    const parts = splitCombined(await runLocally(command.argv), 2);
    expect(parts).toEqual([
      { code: 1, stdout: 'a\tb\n', stderr: 'oops\n' },
      { code: 0, stdout: "it's; $(not run) `x`", stderr: '' },
    ]);
  });

  it('Given one privileged command among them, When combined, Then the whole runs privileged', () => {
    expect(
      combinedCommand([
        { argv: ['true'], privileged: false },
        { argv: ['true'], privileged: true },
      ]).privileged,
    ).toBe(true);
  });

  it('Given output cut short (a marker missing), When split, Then there is no answer rather than a wrong one', async () => {
    const whole = await runLocally(combinedCommand([{ argv: ['true'], privileged: false }]).argv);
    expect(splitCombined(whole, 2)).toBeUndefined();
    expect(splitCombined({ ...whole, stdout: '' }, 1)).toBeUndefined();
  });
});
