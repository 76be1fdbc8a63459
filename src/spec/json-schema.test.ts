import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { jsonSchemaFiles } from './json-schema.js';

describe('published JSON Schemas', () => {
  it('match the zod schema (run `npm run schema` when this fails)', async () => {
    // Given the schemas generated from src/spec/schema.ts now
    const generated = jsonSchemaFiles();
    // When we read the committed files
    for (const [file, text] of Object.entries(generated)) {
      const committed = await readFile(new URL(`../../schema/${file}`, import.meta.url), 'utf8').catch(
        () => '(missing)',
      );
      // Then they are identical
      expect(committed, `schema/${file} is stale: run npm run schema`).toBe(text);
    }
  });

  it('describe the spec for editors: unknown keys are refused, $schema is allowed', () => {
    // Given the generated inventory schema
    const inventory = JSON.parse(jsonSchemaFiles()['inventory.schema.json'] ?? '{}') as {
      additionalProperties?: boolean;
      properties?: Record<string, unknown>;
      required?: string[];
    };
    // Then it is strict, knows $schema, and requires what the spec requires
    expect(inventory.additionalProperties).toBe(false);
    expect(Object.keys(inventory.properties ?? {})).toContain('$schema');
    expect(inventory.required).toEqual(expect.arrayContaining(['environment', 'groups']));
  });
});
