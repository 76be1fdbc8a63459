/**
 * The spec pipeline's public face: read a revision of the rollout repo,
 * check every spec (or one playbook and its inventory), and normalise.
 *
 *   git revision → YAML with positions → zod schema → cross-field rules → Rollout
 */
import { resolve } from 'node:path';
import { ok, type Result } from '../core/result.js';
import { checkRepo } from './check-repo.js';
import { specError, type SpecError } from './errors.js';
import { readRevision } from './git-source.js';
import type { Rollout } from './model.js';
import { normaliseRollout, type NormaliseEnvironment } from './normalise.js';
import { NAME } from './names.js';
import type { InventorySpec, PlaybookSpec } from './schema.js';
import { checkPlaybookFile, stemOf } from './spec-file.js';
import { listOf } from './suggest.js';
import { shortSha } from '../core/sha.js';

export interface RepoSpecs {
  repoDir: string;
  commit: { sha: string; subject: string; author?: string };
  /** By name, with their file (`playbooks/web.yaml`). */
  playbooks: Map<string, { file: string; spec: PlaybookSpec }>;
  inventories: Map<string, { file: string; spec: InventorySpec }>;
  warnings: string[];
}

/** Every playbook and inventory at `rev`, all valid — or every problem found. */
export async function loadRepo(repoDir: string, rev = 'HEAD'): Promise<Result<RepoSpecs, SpecError[]>> {
  return (await inspectRepo(repoDir, rev)).specs;
}

/**
 * `loadRepo`, with the warnings kept when there are errors too: an
 * uncommitted fix is the likeliest reason an error "comes back".
 */
export async function inspectRepo(
  repoDir: string,
  rev = 'HEAD',
): Promise<{ specs: Result<RepoSpecs, SpecError[]>; warnings: string[] }> {
  const snapshot = await readRevision(repoDir, rev);
  if (!snapshot.ok) return { specs: snapshot, warnings: [] };
  const { repoDir: dir, commit } = snapshot.value;
  const checked = checkRepo(snapshot.value);
  const warnings = [...checked.warnings];
  if (checked.playbooks.size + checked.inventories.size === 0 && checked.errors.length === 0) {
    warnings.push(
      `no playbooks/*.yaml or inventories/*.yaml at ${shortSha(commit.sha)}: is ${dir} the rollout repo? (--repo DIR)`,
    );
  }
  if (checked.errors.length > 0) return { specs: { ok: false, error: checked.errors }, warnings };
  const strip = <T>(files: Map<string, { file: string; spec: T }>) =>
    new Map([...files].map(([name, { file, spec }]) => [name, { file, spec }]));
  return {
    specs: ok({
      repoDir: dir,
      commit,
      playbooks: strip(checked.playbooks),
      inventories: strip(checked.inventories),
      warnings,
    }),
    warnings,
  };
}

/**
 * One playbook (`web` or `playbooks/web.yaml`) joined with its inventory, as
 * the engine reads it. Other playbooks and inventories are not checked:
 * another team's broken playbook must not block this rollout.
 */
export async function loadRollout(
  repoDir: string,
  playbook: string,
  rev = 'HEAD',
  environment?: NormaliseEnvironment,
): Promise<Result<{ rollout: Rollout; warnings: string[] }, SpecError[]>> {
  const name = playbookName(playbook, resolve(repoDir));
  if (name === undefined)
    return {
      ok: false,
      error: [
        specError('', `"${playbook}" is not a playbook: give its name ("web") or its file ("playbooks/web.yaml")`),
      ],
    };
  const snapshot = await readRevision(repoDir, rev);
  if (!snapshot.ok) return snapshot;
  const { files, commit, repoDir: dir } = snapshot.value;
  const playbookPath = `playbooks/${name}.yaml`;
  const text = files.get(playbookPath);
  const unreadable = snapshot.value.problems.filter(
    (problem) => problem.file === playbookPath || playbookPath.startsWith(`${problem.file}/`),
  );
  if (unreadable.length > 0) return { ok: false, error: unreadable };
  if (text === undefined) {
    const known = [...files.keys()].filter((path) => /^playbooks\/[^/]+\.yaml$/.test(path)).map(stemOf);
    return {
      ok: false,
      error: [
        specError(
          playbookPath,
          `no such playbook at ${shortSha(commit.sha)} "${commit.subject}"; playbooks there: ${listOf(known)}`,
        ),
      ],
    };
  }
  // Its inventory is known only once the playbook parses; a broken one is reported alone.
  const parsed = checkPlaybookFile(playbookPath, text);
  const inventoryPath = parsed.ok ? [`inventories/${parsed.value.spec.inventory}.yaml`] : [];
  const checked = checkRepo(snapshot.value, new Set([playbookPath, ...inventoryPath]));
  const playbookFile = checked.playbooks.get(name);
  const inventoryFile = playbookFile && checked.inventories.get(playbookFile.spec.inventory);
  if (checked.errors.length > 0 || !playbookFile || !inventoryFile) return { ok: false, error: checked.errors };
  const source = { repoDir: dir, commit, playbookPath, inventoryPath: inventoryFile.file };
  return ok({
    rollout: normaliseRollout(playbookFile.spec, inventoryFile.spec, source, environment),
    warnings: checked.warnings,
  });
}

/** `web`, `web.yaml`, `playbooks/web.yaml`, `./playbooks/web.yaml` or an absolute path into the repo → `web`. */
export function playbookName(argument: string, repoDir: string): string | undefined {
  let path = argument.replace(/\\/g, '/');
  const root = repoDir.replace(/\\/g, '/').replace(/\/+$/, '');
  if (path.startsWith(`${root}/`)) path = path.slice(root.length + 1);
  path = path
    .replace(/^(\.\/)+/, '')
    .replace(/^playbooks\//, '')
    .replace(/\.yaml$/, '');
  return NAME.test(path) && !path.includes('/') && !path.includes('..') ? path : undefined;
}
