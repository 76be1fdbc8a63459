/**
 * `lieutenant init [DIR]`: a new rollout repo — the two folders with an
 * example inventory and playbook that validate, the JSON Schemas their
 * `yaml-language-server` lines point at, and `.lieutenant/` kept out of Git.
 * Never overwrites: when any file it would write exists, it writes nothing.
 * The folder becomes a Git repository unless it is inside one already.
 * Nothing is committed: what to commit is the user's call.
 */
import { access, appendFile, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit } from 'simple-git';
import { ok, type Result } from '../../core/result.js';
import { badInput, type AppFailure } from '../failure.js';
import { EXAMPLE_ENVIRONMENT, EXAMPLE_PLAYBOOK, exampleInventory, examplePlaybook, gitignore } from './templates.js';

export interface InitRequest {
  dir: string;
}

export interface InitDone {
  dir: string;
  /** Paths relative to `dir`, in the order they were written. */
  written: string[];
  /** True when `git init` made the folder a repository. */
  gitInitialised: boolean;
  environment: string;
  playbook: string;
}

/** The package's own schema/ folder (two levels up from src/app/init or dist/app/init). */
const SCHEMA_DIR = fileURLToPath(new URL('../../../schema/', import.meta.url));
const SCHEMAS = ['inventory.schema.json', 'playbook.schema.json'];

export async function initService(request: InitRequest): Promise<Result<InitDone, AppFailure>> {
  const { dir } = request;
  const files: Record<string, string> = {
    [`inventories/${EXAMPLE_ENVIRONMENT}.yaml`]: exampleInventory,
    [`playbooks/${EXAMPLE_PLAYBOOK}.yaml`]: examplePlaybook,
  };
  const targets = [...Object.keys(files), ...SCHEMAS.map((name) => `schema/${name}`)];
  const existing = (await Promise.all(targets.map(async (path) => ((await exists(join(dir, path))) ? path : ''))))
    .filter(Boolean)
    .map((path) => join(dir, path));
  if (existing.length > 0) {
    return {
      ok: false,
      error: badInput(
        `${dir} already has ${existing.length === 1 ? 'a file' : 'files'} init would write; nothing was written (init never overwrites)`,
        existing.map((path) => `exists: ${path}`),
      ),
    };
  }

  const made = await mkdir(dir, { recursive: true }).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => error,
  );
  if (made) return { ok: false, error: badInput(`cannot make the folder ${dir}: ${made.code ?? made.message}`) };
  const gitInitialised = !(await insideWorkTree(dir));
  if (gitInitialised) await simpleGit({ baseDir: dir }).raw(['init', '-q']);

  const written: string[] = [];
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text, { flag: 'wx' });
    written.push(path);
  }
  await mkdir(join(dir, 'schema'), { recursive: true });
  for (const name of SCHEMAS) {
    await copyFile(join(SCHEMA_DIR, name), join(dir, 'schema', name));
    written.push(`schema/${name}`);
  }
  if (await addToGitignore(join(dir, '.gitignore'))) written.push('.gitignore');
  return ok({ dir, written, gitInitialised, environment: EXAMPLE_ENVIRONMENT, playbook: EXAMPLE_PLAYBOOK });
}

/** Adds `.lieutenant/` to .gitignore unless it is there already; true when the file changed. */
async function addToGitignore(path: string): Promise<boolean> {
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current === undefined) {
    await writeFile(path, gitignore);
    return true;
  }
  if (current.split('\n').some((line) => /^\/?\.lieutenant\/?$/.test(line.trim()))) return false;
  await appendFile(path, `${current.endsWith('\n') || current === '' ? '' : '\n'}${gitignore}`);
  return true;
}

async function insideWorkTree(dir: string): Promise<boolean> {
  try {
    return (await simpleGit({ baseDir: dir }).raw(['rev-parse', '--is-inside-work-tree'])).trim() === 'true';
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
