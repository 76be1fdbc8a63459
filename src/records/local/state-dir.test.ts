import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureStateDir } from './state-dir.js';

describe('ensureStateDir', () => {
  it('makes .lieutenant/ ignore itself, so runtime state never shows up as changes in the rollout repo', async () => {
    // Given a rollout repo
    const repo = mkdtempSync(join(tmpdir(), 'lt-state-'));
    execFileSync('git', ['init', '-q', repo]);
    // When Lieutenant writes its state there
    const dir = await ensureStateDir(repo);
    mkdirSync(join(dir, 'runs'), { recursive: true });
    writeFileSync(join(dir, 'runs', 'r1.jsonl'), '{}\n');
    await ensureStateDir(repo); // a second run
    // Then git sees nothing to commit
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' })).toBe('');
  });
});
