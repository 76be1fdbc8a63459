import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { colorEnv } from './color-env.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('NO_COLOR and FORCE_COLOR', () => {
  it('given NO_COLOR set and not empty, then colour is forced off', () => {
    expect(colorEnv({ NO_COLOR: '1' })).toEqual({ FORCE_COLOR: '0' });
  });

  it('given NO_COLOR empty or unset, then nothing changes', () => {
    expect(colorEnv({ NO_COLOR: '' })).toEqual({});
    expect(colorEnv({})).toEqual({});
  });

  it('given FORCE_COLOR as well, then FORCE_COLOR wins', () => {
    expect(colorEnv({ NO_COLOR: '1', FORCE_COLOR: '1' })).toEqual({});
  });

  it("given NO_COLOR and a colour-forcing terminal, when the CLI's modules load, then Ink's chalk has no colour", () => {
    // A child process, as a user's shell starts it: main.ts loaded, then the chalk Ink uses asked its level.
    const probe = `import('./src/cli/main.ts').then(async () => {
      const { default: chalk } = await import(import.meta.resolve('chalk', import.meta.resolve('ink')));
      process.stdout.write(String(chalk.level));
    })`;
    const level = (env: Record<string, string>) =>
      spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', COLORTERM: 'truecolor', ...env },
      });
    const colourless = level({ NO_COLOR: '1' });
    expect(colourless.stderr).toBe('');
    expect(colourless.stdout).toBe('0');
    expect(level({ NO_COLOR: '1', FORCE_COLOR: '3' }).stdout).toBe('3');
  });
});
