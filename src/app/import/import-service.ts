/**
 * `lieutenant import ansible INVENTORY --env NAME`: reads an Ansible
 * inventory (INI, YAML, or the JSON of `ansible-inventory --list`) and writes
 * inventories/NAME.yaml, checked by the same validator as `validate` before
 * it is written. Nothing is written when anything is wrong, and an existing
 * inventory is replaced only with `force`.
 */
import { extname } from 'node:path';
import { ok, type Result } from '../../core/result.js';
import { formatSpecError, printable } from '../../spec/errors.js';
import { inventoryRules } from '../../spec/inventory-rules.js';
import { NAME } from '../../spec/names.js';
import { checkInventoryFile } from '../../spec/spec-file.js';
import { badInput, type AppFailure } from '../failure.js';
import type { AnsibleInventory, InventoryProblem } from './ansible-model.js';
import { mapInventory, type MappedGroup } from './map-inventory.js';
import { parseIniInventory } from './parse-ini.js';
import {
  parseJsonListInventory,
  parseStructuredText,
  parseYamlInventory,
  structuredFormat,
} from './parse-structured.js';
import { renderInventory } from './render-inventory.js';
import { checkTarget, readInventoryFile, writeInventoryFile } from './inventory-files.js';

export interface ImportRequest {
  repoDir: string;
  /** The Ansible inventory file, absolute. */
  inventoryPath: string;
  /** As the user wrote it, for messages and the file's header. */
  source: string;
  environment: string;
  /** Ansible groups to import, each with its children's hosts; default: each host's most specific group. */
  groups?: readonly string[];
  /** Replace inventories/NAME.yaml when it exists. */
  force: boolean;
}

export interface ImportDone {
  /** `inventories/NAME.yaml`. */
  file: string;
  format: InventoryFormat;
  groups: Array<Pick<MappedGroup, 'name' | 'from'> & { hosts: number }>;
  notMapped: string[];
  replaced: boolean;
}

export type InventoryFormat = 'ini' | 'yaml' | 'ansible-inventory --list JSON';

export async function importAnsible(request: ImportRequest): Promise<Result<ImportDone, AppFailure>> {
  const { environment, source } = request;
  if (!NAME.test(environment))
    return fail(
      `--env "${environment}" is not an environment name: letters, digits, "-", "_" and ".", starting with a letter or digit`,
    );
  const read = await readInventoryFile(request.inventoryPath, printable(source));
  if (!read.ok) return fail(read.error);
  const text = read.value;

  const parsed = parseInventory(text, extname(request.inventoryPath));
  if (!parsed.inventory.ok)
    return fail(
      `${printable(source)} is not an Ansible inventory Lieutenant can read (read as ${parsed.format}); nothing was written`,
      parsed.inventory.error.map(
        (problem) => `${printable(source)}${problem.line ? `:${problem.line}` : ''}: ${printable(problem.message)}`,
      ),
    );
  const mapped = mapInventory(parsed.inventory.value, request.groups);
  if (!mapped.ok) return fail(`${printable(mapped.error)}; nothing was written`);

  const file = `inventories/${environment}.yaml`;
  const yaml = renderInventory(mapped.value, { environment, source });
  const checked = checkInventoryFile(file, yaml);
  const errors = checked.ok ? inventoryRules(checked.value) : checked.errors;
  if (errors.length > 0)
    return fail(
      `the inventory made from ${source} does not validate; nothing was written`,
      errors.map(formatSpecError),
    );

  const target = await checkTarget(request.repoDir, file);
  if (!target.ok) return fail(printable(target.error));
  const replaced = target.value.exists;
  if (replaced && !request.force)
    return fail(`${file} exists in ${printable(request.repoDir)}; nothing was written (--force replaces it)`);
  const written = await writeInventoryFile(request.repoDir, file, yaml);
  if (!written.ok) return fail(printable(written.error));
  return ok({
    file,
    format: parsed.format,
    groups: mapped.value.groups.map(({ name, from, hosts }) => ({ name, from, hosts: hosts.length })),
    notMapped: mapped.value.notMapped,
    replaced,
  });
}

/**
 * Ansible's order of trying: its `yaml` plugin takes files ending in .yml,
 * .yaml or .json, or with no extension; when that fails (or for any other
 * name) its `ini` plugin reads the file, whatever it is called. The JSON of
 * `ansible-inventory --list` (with `_meta`) is read as what it is.
 */
export function parseInventory(
  text: string,
  extension: string,
): { format: InventoryFormat; inventory: Result<AnsibleInventory, InventoryProblem[]> } {
  const yamlFirst = ['', '.yml', '.yaml', '.json'].includes(extension.toLowerCase());
  const structured = yamlFirst ? parseStructuredText(text) : undefined;
  const shape = structuredFormat(structured);
  if (shape === 'json-list')
    return {
      format: 'ansible-inventory --list JSON',
      inventory: parseJsonListInventory(structured as Record<string, unknown>),
    };
  if (shape === 'yaml') return { format: 'yaml', inventory: parseYamlInventory(structured as Record<string, unknown>) };
  return { format: 'ini', inventory: parseIniInventory(text) };
}

const fail = (message: string, details: string[] = []): { ok: false; error: AppFailure } => ({
  ok: false,
  error: badInput(message, details),
});
