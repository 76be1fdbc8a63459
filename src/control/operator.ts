/** Who is answering: git `user.name` of the rollout repo, else the login name. */
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';

export async function operatorName(repoDir: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    // Plain `git config` rather than simple-git: it refuses environments with EDITOR and the like set.
    const { stdout } = await promisify(execFile)('git', ['config', 'user.name'], { cwd: repoDir, env });
    if (stdout.trim() !== '') return stdout.trim();
  } catch {
    // Not a git repo, no identity configured, or no git at all: fall back to the login name.
  }
  return env.USER ?? env.LOGNAME ?? userInfo().username;
}
