/**
 * Real temporary Git repositories for tests: a rollout repo with commits made
 * in one call, a bare "remote", and clones of it. Everything lives under one
 * temp folder that `cleanup()` removes.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';

/** Path → content; `null` deletes the file. */
export type FileChanges = Record<string, string | null>;

export interface TestRepo {
  dir: string;
  git: SimpleGit;
  /** Writes the files, stages them and commits; returns the full SHA. */
  commit(message: string, files: FileChanges): Promise<string>;
  /** Writes files without committing (to make the tree dirty). */
  write(files: FileChanges): Promise<void>;
  head(): Promise<string>;
}

export interface GitSandbox {
  root: string;
  /** A fresh repo on branch `main` with a local identity. */
  repo(name?: string): Promise<TestRepo>;
  /** An empty bare repo (the "remote"); returns its path. */
  bare(name?: string): Promise<string>;
  /** Clones `url` and gives the clone a local identity. */
  clone(url: string, name: string): Promise<TestRepo>;
  /**
   * A shared remote as teams have one: a bare repo whose `main` is what `seed`
   * commits (default: a two-host staging inventory), and a clone of it for each
   * name, in order.
   */
  shared(names: readonly string[], seed?: (repo: TestRepo) => Promise<unknown>): Promise<SharedRemote>;
  cleanup(): Promise<void>;
}

export interface SharedRemote {
  remote: string;
  clones: TestRepo[];
}

export async function createGitSandbox(): Promise<GitSandbox> {
  const root = await mkdtemp(join(tmpdir(), 'lieutenant-git-'));
  const sandbox: GitSandbox = {
    root,
    repo: async (name = 'rollouts') => {
      const dir = join(root, name);
      await mkdir(dir, { recursive: true });
      const git = simpleGit({ baseDir: dir });
      await git.raw(['init', '-b', 'main']);
      return withIdentity(dir, git);
    },
    bare: async (name = 'remote.git') => {
      const dir = join(root, name);
      await mkdir(dir, { recursive: true });
      await simpleGit({ baseDir: dir }).raw(['init', '--bare', '-b', 'main']);
      return dir;
    },
    clone: async (url, name) => {
      const dir = join(root, name);
      await simpleGit({ baseDir: root }).raw(['clone', '--quiet', url, dir]);
      return withIdentity(dir, simpleGit({ baseDir: dir }));
    },
    shared: async (
      names,
      seed = (repo) => repo.commit('staging inventory', { 'inventories/staging.yaml': inventoryYaml('staging') }),
    ) => {
      const remote = await sandbox.bare();
      const origin = await sandbox.repo('seed');
      await seed(origin);
      await origin.git.addRemote('origin', remote);
      await origin.git.push('origin', 'main');
      const clones: TestRepo[] = [];
      for (const name of names) clones.push(await sandbox.clone(remote, name));
      return { remote, clones };
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
  return sandbox;
}

async function withIdentity(dir: string, git: SimpleGit): Promise<TestRepo> {
  await git.addConfig('user.name', 'Test Operator');
  await git.addConfig('user.email', 'operator@example.test');
  await git.addConfig('commit.gpgsign', 'false');
  const write = async (files: FileChanges) => {
    for (const [path, content] of Object.entries(files)) {
      const full = join(dir, path);
      if (content === null) {
        await rm(full, { force: true });
      } else {
        await mkdir(dirname(full), { recursive: true });
        await writeFile(full, content);
      }
    }
  };
  return {
    dir,
    git,
    write,
    commit: async (message, files) => {
      await write(files);
      await git.raw(['add', '--all', '--', ...Object.keys(files)]);
      await git.raw(['commit', '--quiet', '--allow-empty', '-m', message]);
      return (await git.revparse(['HEAD'])).trim();
    },
    head: async () => (await git.revparse(['HEAD'])).trim(),
  };
}

/** A playbook like docs/rollout-repo.md's example, pinning `demo` to `version`. */
export function playbookYaml(opts: { rollout: string; inventory: string; version: string; group?: string }): string {
  const group = opts.group ?? 'web';
  return [
    `rollout: ${opts.rollout}`,
    `inventory: ${opts.inventory}`,
    'targets:',
    `  ${group}:`,
    '    packages:',
    `      demo: "${opts.version}"`,
    'strategy:',
    '  batches: ["50%", "50%"]',
    '',
  ].join('\n');
}

/** A small inventory for `environment` with one group of `hosts` hosts. */
export function inventoryYaml(environment: string, hosts = 2, group = 'web'): string {
  const lines = [`environment: ${environment}`, 'groups:', `  ${group}:`, '    packageManager: apt', '    hosts:'];
  for (let i = 1; i <= hosts; i += 1) {
    lines.push(`      ${group}-0${i}: { address: 127.0.1.${10 + i} }`);
  }
  return `${lines.join('\n')}\n`;
}

/** The history most gitops tests start from: staging's web playbook at demo 1.0, then 1.1. */
export async function twoReleases(repo: TestRepo): Promise<{ v10: string; v11: string }> {
  const web = (version: string) => playbookYaml({ rollout: 'web', inventory: 'staging', version });
  const v10 = await repo.commit('web: demo 1.0', {
    'inventories/staging.yaml': inventoryYaml('staging'),
    'playbooks/web.yaml': web('1.0'),
  });
  const v11 = await repo.commit('web: demo 1.1', { 'playbooks/web.yaml': web('1.1') });
  return { v10, v11 };
}
