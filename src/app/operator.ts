/** Who is running this: git's user.name in the rollout repo, else $USER. */
import { simpleGit } from 'simple-git';
import { userInfo } from 'node:os';

export async function operatorName(repoDir: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    const name = (await simpleGit(repoDir).raw(['config', 'user.name'])).trim();
    if (name) return name;
  } catch {
    // no git identity configured: fall through
  }
  return env.USER ?? env.LOGNAME ?? userInfo().username;
}
