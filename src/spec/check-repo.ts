/**
 * Every spec file at a revision through every stage: YAML, schema, then the
 * cross-field rules — collecting all problems in one pass, sorted.
 */
import { formatSpecError, printable, specError, sortSpecErrors, type SpecError } from './errors.js';
import { NAME } from './names.js';
import { inventoryWarnings, playbookWarnings } from './warnings.js';
import type { RevisionSnapshot } from './git-source.js';
import { inventoryRules } from './inventory-rules.js';
import { analysisRules } from './analysis-rules.js';
import { playbookRules } from './playbook-rules.js';
import type { InventorySpec, PlaybookSpec } from './schema.js';
import { checkInventoryFile, checkPlaybookFile, stemOf, type ValidFile } from './spec-file.js';

export interface CheckedRepo {
  playbooks: Map<string, ValidFile<PlaybookSpec>>;
  inventories: Map<string, ValidFile<InventorySpec>>;
  errors: SpecError[];
  warnings: string[];
}

/** Which files of the snapshot are specs, and what is wrong with the ones that cannot be. */
export function specFiles(
  files: Iterable<string>,
  folder: 'playbooks' | 'inventories',
): { paths: string[]; errors: SpecError[]; warnings: string[] } {
  const result = { paths: [] as string[], errors: [] as SpecError[], warnings: [] as string[] };
  for (const path of files) {
    if (!path.startsWith(`${folder}/`)) continue;
    const rest = path.slice(folder.length + 1);
    const kind = folder === 'playbooks' ? 'playbook' : 'inventory';
    if (!NAME.test(stemOf(rest)) && (rest.endsWith('.yaml') || rest.endsWith('.yml')))
      result.errors.push(
        specError(
          path,
          `not read: a ${kind}'s file name is its name: letters, digits, "-", "_" and ".", starting with a letter or digit`,
        ),
      );
    else if (rest.includes('/'))
      result.errors.push(specError(path, `not read: a ${kind} lives directly in ${folder}/, as ${folder}/<name>.yaml`));
    else if (rest.endsWith('.yml'))
      result.errors.push(
        specError(path, `not read: rename it to ${folder}/${stemOf(rest)}.yaml (Lieutenant reads .yaml files)`),
      );
    else if (rest.endsWith('.yaml')) result.paths.push(path);
    else result.warnings.push(printable(`${path}: ignored, not a ${kind} (only ${folder}/<name>.yaml files are read)`));
  }
  return result;
}

/** `only` limits the checks to some files (one playbook and its inventory); the others still count as present. */
export function checkRepo(snapshot: RevisionSnapshot, only?: ReadonlySet<string>): CheckedRepo {
  const read = (path: string) => snapshot.files.get(path) ?? '';
  const wanted = (path: string) => only === undefined || only.has(path);
  const inventoryFiles = specFiles(snapshot.files.keys(), 'inventories');
  const playbookFiles = specFiles(snapshot.files.keys(), 'playbooks');
  const errors = [...snapshot.problems, ...inventoryFiles.errors, ...playbookFiles.errors].filter((error) =>
    wanted(error.file),
  );
  const warnings: SpecError[] = [];

  const inventories = new Map<string, ValidFile<InventorySpec>>();
  for (const path of inventoryFiles.paths.filter(wanted)) {
    const checked = checkInventoryFile(path, read(path));
    if (!checked.ok) errors.push(...checked.errors);
    else {
      inventories.set(checked.value.stem, checked.value);
      errors.push(...inventoryRules(checked.value));
      warnings.push(...inventoryWarnings(checked.value));
    }
  }
  const index = { present: inventoryFiles.paths.map(stemOf), valid: inventories };
  const playbooks = new Map<string, ValidFile<PlaybookSpec>>();
  for (const path of playbookFiles.paths.filter(wanted)) {
    const checked = checkPlaybookFile(path, read(path));
    if (!checked.ok) errors.push(...checked.errors);
    else {
      playbooks.set(checked.value.stem, checked.value);
      errors.push(...playbookRules(checked.value, index), ...analysisRules(checked.value));
      warnings.push(...playbookWarnings(checked.value, index));
    }
  }
  return {
    playbooks,
    inventories,
    errors: sortSpecErrors(errors),
    warnings: [
      ...snapshot.warnings,
      ...inventoryFiles.warnings,
      ...playbookFiles.warnings,
      ...sortSpecErrors(warnings).map(formatSpecError),
    ],
  };
}
