/**
 * One spec file through the first two stages: YAML with positions, then the
 * zod schema. Cross-field rules run only on files that pass both.
 */
import type { z } from 'zod';
import type { SpecError } from './errors.js';
import { issueErrors } from './issue-messages.js';
import { Inventory, Playbook, type InventorySpec, type PlaybookSpec } from './schema.js';
import { parseYaml, type YamlFile } from './yaml-source.js';

export interface ValidFile<T> {
  /** Relative to the rollout repo: `inventories/staging.yaml`. */
  file: string;
  /** The name the file gives its spec: `staging` for inventories/staging.yaml. */
  stem: string;
  yaml: YamlFile;
  spec: T;
}

export type Checked<T> = { ok: true; value: ValidFile<T> } | { ok: false; errors: SpecError[] };

export function checkInventoryFile(file: string, text: string): Checked<InventorySpec> {
  return checkSpecFile(file, text, Inventory);
}

export function checkPlaybookFile(file: string, text: string): Checked<PlaybookSpec> {
  return checkSpecFile(file, text, Playbook);
}

function checkSpecFile<S extends z.ZodType>(file: string, text: string, schema: S): Checked<z.output<S>> {
  const yaml = parseYaml(file, text);
  if (yaml.errors.length > 0) return { ok: false, errors: yaml.errors };
  const parsed = schema.safeParse(yaml.value);
  if (!parsed.success) return { ok: false, errors: issueErrors(yaml, schema, parsed.error.issues) };
  return { ok: true, value: { file, stem: stemOf(file), yaml, spec: parsed.data } };
}

export function stemOf(file: string): string {
  return (file.split('/').pop() ?? file).replace(/\.ya?ml$/, '');
}
