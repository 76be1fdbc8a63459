import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureFiles, makeSpecRepo, type SpecRepo } from '../spec/testing/spec-repo.js';
import { runCli } from './main.js';
import { captureIo } from './testing.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const repos: SpecRepo[] = [];
afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.remove()));
});

/** The real process entry (main()), with SIGTERM sent to itself once main() has started the command. */
function cliReceivingSigterm(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const script = [
    `import { main } from ${JSON.stringify(`${ROOT}src/cli/main.ts`)};`,
    `process.argv = [process.argv[0], 'lieutenant', ...${JSON.stringify(args)}];`,
    `setImmediate(() => process.kill(process.pid, 'SIGTERM'));`,
    'await main();',
  ].join('\n');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}

describe('Ctrl-C and SIGTERM', () => {
  it('Given validate is working, When SIGTERM arrives, Then the process ends by the signal (not after validating)', async () => {
    // Given a rollout repo to validate
    const repo = await makeSpecRepo();
    repos.push(repo);
    await repo.commit(await fixtureFiles('example'));
    // When the real entry point receives SIGTERM while validate runs
    const ended = await cliReceivingSigterm(['validate', '--repo', repo.dir]);
    // Then the signal ended it: no handler swallowed it while validation went on
    expect(ended).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('Given each command, When it starts, Then only those that stop cleanly on the signal take it over', async () => {
    // Given a hook recording which commands take over Ctrl-C and SIGTERM
    const tookOver: string[] = [];
    // When each starts (in a repo that does not exist, so none gets far)
    for (const name of ['validate', 'history', 'approve', 'abort', 'revert', 'status']) {
      await runCli([name, '--repo', '/nonexistent'], captureIo(), { onStoppableCommand: () => tookOver.push(name) });
    }
    // Then the read-only and one-shot commands keep the default (the signal ends them); status stops cleanly
    expect(tookOver).toEqual(['status']);
  });
});
