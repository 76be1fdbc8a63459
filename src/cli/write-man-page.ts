/** `npm run man`: regenerates man/lieutenant.1 from the program's help (man-page.ts). */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { manPage } from './man-page.js';

const root = new URL('../../', import.meta.url);
const { version } = JSON.parse(await readFile(new URL('package.json', root), 'utf8')) as { version: string };
await mkdir(new URL('man/', root), { recursive: true });
await writeFile(fileURLToPath(new URL('man/lieutenant.1', root)), manPage(version));
process.stdout.write('wrote man/lieutenant.1\n');
