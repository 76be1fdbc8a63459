/**
 * `lieutenant import ansible INVENTORY --env NAME`: reads an Ansible
 * inventory (INI, YAML, or the JSON of `ansible-inventory --list`) and writes
 * inventories/NAME.yaml, checked by the same validator as `validate` before
 * it is written. Nothing is written when anything is wrong, and an existing
 * inventory is replaced only with `force`.
 */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ok, type Result } from '../../core/result.js';
import { formatSpecError } from '../../spec/errors.js';
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
  const text = await readFile(request.inventoryPath, 'utf8').catch((error: NodeJS.ErrnoException) => error);
  if (text instanceof Error) return fail(`cannot read the Ansible inventory ${source}: ${text.code ?? text.message}`);

  const parsed = parseInventory(text, extname(request.inventoryPath));
  if (!parsed.inventory.ok)
    return fail(
      `${source} is not an Ansible inventory Lieutenant can read (read as ${parsed.format}); nothing was written`,
      parsed.inventory.error.map((problem) => `${source}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`),
    );
  const mapped = mapInventory(parsed.inventory.value, request.groups);
  if (!mapped.ok) return fail(`${mapped.error}; nothing was written`);

  const file = `inventories/${environment}.yaml`;
  const yaml = renderInventory(mapped.value, { environment, source });
  const checked = checkInventoryFile(file, yaml);
  const errors = checked.ok ? inventoryRules(checked.value) : checked.errors;
  if (errors.length > 0)
    return fail(
      `the inventory made from ${source} does not validate; nothing was written`,
      errors.map(formatSpecError),
    );

  const path = join(request.repoDir, file);
  const replaced = await access(path).then(
    () => true,
    () => false,
  );
  if (replaced && !request.force)
    return fail(`${file} exists in ${request.repoDir}; nothing was written (--force replaces it)`);
  await mkdir(join(request.repoDir, 'inventories'), { recursive: true });
  await writeFile(path, yaml);
  return ok({
    file,
    format: parsed.format,
    groups: mapped.value.groups.map(({ name, from, hosts }) => ({ name, from, hosts: hosts.length })),
    notMapped: mapped.value.notMapped,
    replaced,
  });
}

/** The format from the file name when it says (.ini, .yml/.yaml, .json), else from the content. */
export function parseInventory(
  text: string,
  extension: string,
): { format: InventoryFormat; inventory: Result<AnsibleInventory, InventoryProblem[]> } {
  const structured = extension === '.ini' ? undefined : parseStructuredText(text);
  const shape = structuredFormat(structured);
  if (shape === 'json-list')
    return {
      format: 'ansible-inventory --list JSON',
      inventory: parseJsonListInventory(structured as Record<string, unknown>),
    };
  if (shape === 'yaml') return { format: 'yaml', inventory: parseYamlInventory(structured as Record<string, unknown>) };
  if (['.yml', '.yaml', '.json'].includes(extension))
    return {
      format: extension === '.json' ? 'ansible-inventory --list JSON' : 'yaml',
      inventory: {
        ok: false,
        error: [{ message: 'not a YAML map of groups (all: {hosts: …, children: …}) nor ansible-inventory JSON' }],
      },
    };
  return { format: 'ini', inventory: parseIniInventory(text) };
}

const fail = (message: string, details: string[] = []): { ok: false; error: AppFailure } => ({
  ok: false,
  error: badInput(message, details),
});
