/**
 * zod issues → messages a person can act on, at the node that is wrong.
 * The schema's own messages already say what would be valid; here we add
 * what was found, the valid keys and values, and "did you mean".
 */
import type { z } from 'zod';
import { specError, type SpecError } from './errors.js';
import { unionWordsAt, validKeysAt } from './schema-keys.js';
import { didYouMean, listOf } from './suggest.js';
import type { PathSegment, YamlFile } from './yaml-source.js';

type Issue = z.core.$ZodIssue;

export function issueErrors(yaml: YamlFile, schema: z.ZodType, issues: readonly Issue[]): SpecError[] {
  return issues.flatMap((issue) => issueError(yaml, schema, issue));
}

function issueError(yaml: YamlFile, schema: z.ZodType, issue: Issue): SpecError[] {
  const path = issue.path as PathSegment[];
  const where = path.length === 0 ? '' : `${formatPath(path)}: `;
  const found = valueAt(yaml.value, path);
  const atValue = yaml.at(path, 'value');
  switch (issue.code) {
    case 'unrecognized_keys': {
      const valid = validKeysAt(schema, path);
      return issue.keys.map((key) =>
        specError(
          yaml.file,
          `unknown key "${key}"${path.length ? ` in ${formatPath(path)}` : ''}${didYouMean(key, valid)}; valid keys: ${listOf(valid)}`,
          yaml.at([...path, key], 'key'),
        ),
      );
    }
    case 'invalid_key': {
      const inner = issue.issues.map((sub) => sub.message).join('; ');
      const key = path[path.length - 1];
      return [
        specError(
          yaml.file,
          `${formatPath(path.slice(0, -1))}: invalid key "${String(key)}": expected ${inner}`,
          yaml.at(path, 'key'),
        ),
      ];
    }
    case 'invalid_type': {
      if (found === undefined && path.length > 0) {
        const parent = path.slice(0, -1);
        const parentName = parent.length ? ` in ${formatPath(parent)}` : '';
        return [
          specError(
            yaml.file,
            `missing required key "${String(path[path.length - 1])}"${parentName}`,
            yaml.at(parent, 'key'),
          ),
        ];
      }
      if (path.length === 0) {
        const keys = listOf(validKeysAt(schema, []));
        const what = found === null || found === undefined ? 'the file is empty' : `found ${describe(found)}`;
        return [specError(yaml.file, `${what}; expected a map with the keys: ${keys}`, atValue)];
      }
      if (isVersionPath(path) && typeof found === 'number') {
        const written = yaml.sourceOf(path) ?? String(found);
        const name = String(path[path.length - 1]);
        return [
          specError(
            yaml.file,
            `${where}version ${written} is a YAML number (read as ${found}); quote it so it stays as written: ${name}: "${written}"`,
            atValue,
          ),
        ];
      }
      return [specError(yaml.file, `${where}expected ${expectation(issue)}, found ${describe(found)}`, atValue)];
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const hint = typeof found === 'string' ? didYouMean(found, values) : '';
      return [
        specError(yaml.file, `${where}found ${describe(found)}; expected one of: ${listOf(values)}${hint}`, atValue),
      ];
    }
    case 'custom': {
      // A refinement of a single value (a duration out of its bounds) says what it found.
      if (typeof found === 'string' || typeof found === 'number')
        return [specError(yaml.file, `${where}expected ${issue.message}, found ${describe(found)}`, atValue)];
      const keys =
        found !== null && typeof found === 'object' && !Array.isArray(found) && Object.keys(found).length > 0
          ? ` (found: ${listOf(Object.keys(found))})`
          : '';
      return [specError(yaml.file, `${where}${issue.message}${keys}`, atValue)];
    }
    default: {
      // A union of words and another form (pause: approve | none | "30s") names both.
      const words = unionWordsAt(schema, path);
      const hint = words.length > 0 && typeof found === 'string' ? didYouMean(found, words) : '';
      const expected = words.length > 0 ? `${words.join(', ')}, or ${expectation(issue)}` : expectation(issue);
      return [specError(yaml.file, `${where}expected ${expected}, found ${describe(found)}${hint}`, atValue)];
    }
  }
}

/** What would have been valid, in words: the schema's own message unless it is zod's generic one. */
function expectation(issue: Issue): string {
  if (!isGeneric(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return article(
        issue.expected === 'array'
          ? 'list'
          : issue.expected === 'object' || issue.expected === 'record'
            ? 'map'
            : issue.expected,
      );
    case 'too_small':
      return issue.origin === 'array'
        ? `at least ${issue.minimum} item(s)`
        : issue.origin === 'string'
          ? 'a non-empty string'
          : `a number of at least ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array' ? `at most ${issue.maximum} item(s)` : `a number of at most ${issue.maximum}`;
    case 'invalid_union':
      return [...new Set(issue.errors.map((branch) => (branch[0] ? expectation(branch[0]) : 'another form')))].join(
        ' or ',
      );
    case 'invalid_value':
      return `one of: ${listOf(issue.values.map(String))}`;
    default:
      return issue.message;
  }
}

function isGeneric(message: string): boolean {
  return /^(Invalid input|Invalid option|Too small|Too big|Invalid)/.test(message);
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** targets.<group>.packages.<name> — where a version lives. */
function isVersionPath(path: readonly PathSegment[]): boolean {
  return path.length === 4 && path[0] === 'targets' && path[2] === 'packages';
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'nothing (null)';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value} (a boolean)`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return typeof value;
}

/** `strategy.batches[1]`, `targets.web.packages["a;b"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const text = String(segment);
      if (!/^[A-Za-z0-9_$-]+$/.test(text)) return `[${JSON.stringify(text)}]`;
      return index === 0 ? text : `.${text}`;
    })
    .join('');
}

export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment as PropertyKey];
  }
  return current;
}
