/**
 * The published JSON Schemas (schema/*.schema.json) for editor completion,
 * generated from the one zod schema. `npm run schema` writes them; a test
 * fails when the committed files are stale.
 */
import { z } from 'zod';
import { Inventory, Playbook } from './schema.js';

export const JSON_SCHEMA_FILES = {
  'inventory.schema.json': Inventory,
  'playbook.schema.json': Playbook,
} as const;

/** File name → file contents, exactly as committed under schema/. */
export function jsonSchemaFiles(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(JSON_SCHEMA_FILES).map(([file, schema]) => [
      file,
      `${JSON.stringify(z.toJSONSchema(schema, { io: 'input' }), null, 2)}\n`,
    ]),
  );
}
