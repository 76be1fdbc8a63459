import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_SPECS, type BadSpecCase } from './bad-specs.cases.js';
import { formatSpecError, type SpecError } from './errors.js';
import { HOSTILE_SPECS } from './hostile-specs.cases.js';
import { loadRepo } from './repo.js';
import { fixtureFiles, makeSpecRepo, type SpecRepo } from './testing/spec-repo.js';

let example: Record<string, string>;
const repos: SpecRepo[] = [];
beforeAll(async () => {
  example = await fixtureFiles('example');
});
afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.remove()));
});

function filesFor(badCase: BadSpecCase): Record<string, string> {
  const files = { ...example };
  for (const [file, edits] of Object.entries(badCase.edit ?? {})) {
    for (const [find, replace] of edits) {
      const text = files[file] ?? '';
      if (!text.includes(find)) throw new Error(`case "${badCase.name}": ${file} has no ${JSON.stringify(find)}`);
      files[file] = text.replace(find, replace);
    }
  }
  return { ...files, ...badCase.add };
}

const location = (error: SpecError) => (error.line === 0 ? error.file : `${error.file}:${error.line}:${error.col}`);
/** `file:line` cases (a position inside a very long line) match any column. */
const matches = (error: SpecError, at: string) => location(error) === at || location(error).startsWith(`${at}:`);

describe('validation of bad specs', () => {
  it('has a case for each kind of mistake (at least 30)', () => {
    expect(BAD_SPECS.length).toBeGreaterThanOrEqual(30);
  });

  // Each case is its own real repo; they are independent, so they run side by side.
  it.concurrent.for([...BAD_SPECS, ...HOSTILE_SPECS])('$name → $at', async (badCase, { expect }) => {
    // Given the example rollout repo with one mistake, committed to a real repo
    const repo = await makeSpecRepo();
    repos.push(repo);
    await repo.commit(filesFor(badCase));
    // When the repo is validated
    const result = await loadRepo(repo.dir);
    // Then it is refused with the error at the offending node, saying what would be valid
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.error;
    const matching = errors.filter((error) => error.message.includes(badCase.says));
    expect(
      matching.some((error) => matches(error, badCase.at)),
      errors.map(formatSpecError).join('\n'),
    ).toBe(true);
  });
});
