/** `npm run schema`: regenerates schema/*.schema.json from src/spec/schema.ts. */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { jsonSchemaFiles } from './json-schema.js';

const schemaDir = fileURLToPath(new URL('../../schema/', import.meta.url));
for (const [file, text] of Object.entries(jsonSchemaFiles())) {
  await writeFile(`${schemaDir}${file}`, text);
  process.stdout.write(`wrote schema/${file}\n`);
}
