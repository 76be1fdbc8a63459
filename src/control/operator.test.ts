import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { operatorName } from './operator.js';

describe('operator name', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lieutenant-operator-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('given a repo with user.name, when asked, then it is the git user', async () => {
    const git = simpleGit(dir);
    await git.init();
    await git.addConfig('user.name', 'Alice Lieutenant');
    expect(await operatorName(dir, { ...process.env, USER: 'root' })).toBe('Alice Lieutenant');
  });

  it('given no git identity, when asked, then it is $USER', async () => {
    expect(
      await operatorName(dir, {
        PATH: process.env.PATH,
        USER: 'bob',
        HOME: dir,
        XDG_CONFIG_HOME: dir,
        GIT_CONFIG_NOSYSTEM: '1',
      }),
    ).toBe('bob');
  });
});
