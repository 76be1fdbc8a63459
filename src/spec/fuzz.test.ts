/**
 * Property tests (fast-check): whatever a user commits ends as valid specs
 * or as positioned errors — never an exception — and whatever validates
 * normalises inside the documented bounds. The generators live in
 * testing/spec-arbitraries.ts and read their fields from the schema.
 *
 * Runs are bounded for `npm test`; FUZZ_RUNS=5000 searches harder. A failure
 * prints its seed and path: re-run with FUZZ_SEED=<seed> to replay it.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkRepo } from './check-repo.js';
import { formatSpecError } from './errors.js';
import type { RevisionSnapshot } from './git-source.js';
import { normaliseRollout } from './normalise.js';
import { outOfBounds } from './testing/rollout-bounds.js';
import { mutatedRepo, randomRepo, splicedRepo, type Files } from './testing/spec-arbitraries.js';
import { fixtureFiles } from './testing/spec-repo.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const settings = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };
/** Room for a slow, shared machine; a larger FUZZ_RUNS gets more. */
const timeout = Math.max(30_000, RUNS * 200);

let product: Files;
beforeAll(async () => {
  product = await fixtureFiles('example');
});

function snapshot(files: Files): RevisionSnapshot {
  return {
    repoDir: '/srv/rollouts',
    commit: { sha: 'f'.repeat(40), subject: 'fuzz' },
    files: new Map(Object.entries(files)),
    problems: [],
    warnings: [],
  };
}

/** validate, then normalise every valid playbook — as `lieutenant validate` and `run` would. */
function validateAndNormalise(files: Files): void {
  const checked = checkRepo(snapshot(files));
  // Then every problem names its file and line, and prints without control characters
  for (const error of checked.errors) {
    expect(error.file, formatSpecError(error)).not.toBe('');
    expect(error.line, formatSpecError(error)).toBeGreaterThanOrEqual(1);
    // eslint-disable-next-line no-control-regex
    expect(formatSpecError(error)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  }
  if (checked.errors.length > 0) return;
  // And whatever is valid normalises inside its bounds
  for (const [, playbook] of checked.playbooks) {
    const inventory = checked.inventories.get(playbook.spec.inventory);
    expect(inventory, `inventory of ${playbook.file}`).toBeDefined();
    if (!inventory) continue;
    const source = {
      repoDir: '/srv/rollouts',
      commit: snapshot(files).commit,
      playbookPath: playbook.file,
      inventoryPath: inventory.file,
    };
    const rollout = normaliseRollout(playbook.spec, inventory.spec, source, { homeDir: '/home/op' });
    expect(outOfBounds(rollout)).toEqual([]);
  }
}

describe('fuzzing the spec pipeline', () => {
  it(
    'Given the examples with one field changed, renamed or removed, Then exit 0 within bounds or positioned errors',
    () => {
      fc.assert(fc.property(mutatedRepo(product), validateAndNormalise), settings);
    },
    timeout,
  );

  it(
    'Given the examples with random YAML spliced into their text, Then exit 0 within bounds or positioned errors',
    () => {
      fc.assert(fc.property(splicedRepo(product), validateAndNormalise), settings);
    },
    timeout,
  );

  it(
    'Given a file of random YAML tokens, Then positioned errors, never an exception',
    () => {
      fc.assert(fc.property(randomRepo(product), validateAndNormalise), settings);
    },
    timeout,
  );
});
