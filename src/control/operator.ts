/** Who is answering: git `user.name` of the rollout repo, else the login name; and how the rules know them. */
import { execFile } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import { promisify } from 'node:util';

export async function operatorName(repoDir: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return (await gitConfig(repoDir, 'user.name', env)) ?? loginName(env);
}

export interface Answerer {
  /** user.name, else the login name. */
  by: string;
  /** user.email, else `by`: what the approval rules check when answers are not signed (a claim). */
  identity: string;
  /** `login@machine:/checkout`. */
  from: string;
  /** user.signingKey: the SSH key answers are signed with when the environment asks. */
  signingKey?: string;
}

export async function answerer(repoDir: string, env: NodeJS.ProcessEnv = process.env): Promise<Answerer> {
  const [name, email, signingKey] = await Promise.all(
    ['user.name', 'user.email', 'user.signingKey'].map((key) => gitConfig(repoDir, key, env)),
  );
  const by = name ?? loginName(env);
  return {
    by,
    identity: email ?? by,
    from: `${loginName(env)}@${hostname()}:${repoDir}`,
    ...(signingKey === undefined ? {} : { signingKey }),
  };
}

async function gitConfig(repoDir: string, key: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    // Plain `git config` rather than simple-git: it refuses environments with EDITOR and the like set.
    const { stdout } = await promisify(execFile)('git', ['config', key], { cwd: repoDir, env });
    return stdout.trim() === '' ? undefined : stdout.trim();
  } catch {
    return undefined; // not a git repo, not configured, or no git at all
  }
}

const loginName = (env: NodeJS.ProcessEnv): string => env.USER ?? env.LOGNAME ?? userInfo().username;
