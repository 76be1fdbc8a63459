/**
 * Real temporary rollout repos for tests: `git init`, write files, commit.
 * Git behaviour is tested on real repositories, never on fakes: a fake git
 * would agree with whatever we believe git does.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit } from 'simple-git';

export interface SpecRepo {
  dir: string;
  /** Writes files into the working tree (not committed). */
  write(files: Record<string, string>): Promise<void>;
  /** Writes, stages everything and commits; returns the new SHA. */
  commit(files: Record<string, string>, message?: string): Promise<string>;
  remove(): Promise<void>;
}

const IDENTITY = ['-c', 'user.name=Spec Test', '-c', 'user.email=spec@example.invalid', '-c', 'commit.gpgsign=false'];

export async function makeSpecRepo(options: { init?: boolean } = {}): Promise<SpecRepo> {
  const dir = await mkdtemp(join(tmpdir(), 'lieutenant-spec-'));
  const git = simpleGit({ baseDir: dir });
  if (options.init !== false) await git.raw(['init', '-q', '-b', 'main']);
  const write = async (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  };
  return {
    dir,
    write,
    commit: async (files, message = 'specs') => {
      await write(files);
      await git.raw(['add', '-A']);
      await git.raw([...IDENTITY, 'commit', '-q', '--allow-empty', '-m', message]);
      return (await git.raw(['rev-parse', 'HEAD'])).trim();
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/spec/', import.meta.url));

/**
 * The files of a fixture folder under test/fixtures/spec/, path → text.
 * `example` is a small valid rollout repo for tests of the validator; the
 * examples users read are tested straight from docs/ (docs-examples.test.ts).
 */
export async function fixtureFiles(name: string): Promise<Record<string, string>> {
  const root = join(FIXTURES, name);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries.filter((item) => item.isFile())) {
    const path = join(entry.parentPath, entry.name);
    files[relative(root, path)] = await readFile(path, 'utf8');
  }
  return files;
}
