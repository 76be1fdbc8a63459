import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
// Our own tmux server (socket name), so nobody else's sessions are touched.
const socket = `lieutenant-ui-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'tui');

async function screenShows(text: string): Promise<string> {
  await vi.waitFor(
    () => {
      if (!screen().includes(text)) throw new Error(`"${text}" not on screen:\n${screen()}`);
    },
    { timeout: 60_000, interval: 100 },
  ); // a loaded CI machine starts the fixture slowly; this only bounds a failure
  return screen();
}

describe('run TUI in a real terminal (tmux)', () => {
  let dir: string;
  beforeAll(async () => {
    // A missing tmux fails here, loudly: .ci/run installs it, and a skipped test would hide that it is gone.
    if (!hasTmux) throw new Error('tmux is not installed: apt-get install tmux (.ci/run installs it)');
    dir = await mkdtemp(join(tmpdir(), 'lieutenant-tmux-'));
  });
  afterAll(async () => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    await rm(dir, { recursive: true, force: true });
  });

  it('given a run at a gate in a 100x30 terminal, when the operator presses Ctrl-C, then `x` and a reason, then the run hears both and ends on the summary', async () => {
    // Given
    const results = join(dir, 'results.jsonl');
    const script = fileURLToPath(new URL('./tmux-run.fixture.tsx', import.meta.url));
    // CI=false: a CI machine sets CI=true, and Ink then draws no live frames — but this is a terminal.
    tmux('new-session', '-d', '-s', 'tui', '-x', '100', '-y', '30', `CI=false npx tsx ${script} ${results}; sleep 30`);
    const atGate = await screenShows('[a] approve');
    expect(atGate).toContain('Batch 1/2 done — 3 hosts healthy on demo 1.1.');
    expect(atGate).toContain('✔ batch 1/2 web  3 in rotation');
    // When
    tmux('send-keys', '-t', 'tui', 'C-c');
    await screenShows('stopping: finishing hosts in flight… (Ctrl-C again to force)');
    tmux('send-keys', '-t', 'tui', 'x');
    await screenShows('abort and roll back — reason');
    tmux('send-keys', '-t', 'tui', '-l', 'errors on web-02');
    await screenShows('errors on web-02');
    tmux('send-keys', '-t', 'tui', 'Enter');
    // Then
    const end = await screenShows('aborted in 42s');
    expect(end).toContain('to roll back: lieutenant revert a1b2c3d --run');
    await vi.waitFor(async () => expect(await readFile(results, 'utf8')).toContain('exited'), {
      timeout: 10_000,
      interval: 100,
    });
    const lines = (await readFile(results, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { interrupt: 1 },
      { answer: { decision: 'abort', by: 'alice', reason: 'errors on web-02' } },
      { exited: true },
    ]);
  }, 90_000);
});
