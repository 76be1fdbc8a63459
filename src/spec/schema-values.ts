/**
 * The value shapes every part of the rollout-repo schema is built from —
 * names, durations within bounds, host counts and shares, package names and
 * versions, bounded text — with the messages a user reads when one is wrong.
 */
import { z } from 'zod';
import { COUNT_BOUNDS, LENGTH_BOUNDS } from './bounds.js';
import { DURATION_PATTERN, describeBounds, isWithin, type DurationBounds } from './duration.js';
import { PERCENT_PATTERN } from './quantity.js';
import { NAME, PACKAGE_NAME, PACKAGE_VERSION } from './names.js';

export const name = (what: string) =>
  z
    .string()
    .regex(NAME, `a ${what} name: letters, digits, "-", "_" and ".", starting with a letter or digit`)
    .max(LENGTH_BOUNDS.name, `a ${what} name of at most ${LENGTH_BOUNDS.name} characters`);

/**
 * Hosts and groups are kept in the order written (batches follow it), but
 * JavaScript moves keys that are plain whole numbers ("2") before all others:
 * such a name would silently reorder the rollout, so it is refused.
 */
export const orderedName = (what: string) =>
  name(what).refine((text) => !/^(0|[1-9][0-9]*)$/.test(text), {
    error: `a ${what} name that is not a plain whole number (it would be moved before the others, changing the order); add a letter, e.g. "h2"`,
  });

/** A duration between two bounds (bounds.ts): "597h" is refused, not turned into 1 ms by Node's timers. */
export function duration(bounds: DurationBounds) {
  const words = `a duration ${describeBounds(bounds)}, such as "500ms", "30s" or "5m"`;
  return z
    .string({ error: words })
    .regex(DURATION_PATTERN, { error: words, abort: true })
    .refine((text) => isWithin(text, bounds), { error: words })
    .meta({
      description: `A duration ${describeBounds(bounds)}: a whole number and a unit, ms | s | m | h`,
      examples: [bounds.min, bounds.max],
    });
}

export const percent = z.string().regex(PERCENT_PATTERN, 'a share of the group such as "25%" (1% to 100%)');
export const count = (bounds: readonly [number, number]) =>
  z
    .number()
    .int('a whole number of hosts')
    .min(bounds[0], `at least ${bounds[0]} host`)
    .max(bounds[1], `at most ${bounds[1]} hosts`);
export const quantity = (bounds: readonly [number, number]) =>
  z
    .union([count(bounds), percent], { error: 'a number of hosts (1) or a share of the group ("50%")' })
    .meta({ description: `A number of hosts (${bounds[0]} to ${bounds[1]}), or a share of the group written "N%"` });
export const Quantity = quantity(COUNT_BOUNDS.batch);

export const PackageName = z
  .string()
  .regex(PACKAGE_NAME, 'a package name: letters, digits and "+ - . _", starting with a letter or digit')
  .max(LENGTH_BOUNDS.packageName, `a package name of at most ${LENGTH_BOUNDS.packageName} characters`);
export const PackageVersion = z
  .string({ error: 'a version string; quote it so YAML keeps it as written, e.g. "1.10"' })
  .regex(PACKAGE_VERSION, 'a package version: letters, digits and ". + ~ ^ _ -", an optional "EPOCH:" first')
  .max(LENGTH_BOUNDS.packageVersion, `a package version of at most ${LENGTH_BOUNDS.packageVersion} characters`);
export const text = z.string().max(LENGTH_BOUNDS.text, `at most ${LENGTH_BOUNDS.text} characters`);
