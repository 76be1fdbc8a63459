/**
 * Which keys a map at some path may have, read from the zod schema itself,
 * so "unknown key" messages list the valid ones without a second source.
 */
import { z } from 'zod';
import type { PathSegment } from './yaml-source.js';

/** Keys of every object schema that could sit at `path` (unions contribute each branch). */
export function validKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let current: z.ZodType[] = [schema];
  for (const segment of path) current = current.flatMap((candidate) => children(candidate, segment));
  const keys = current
    .flatMap((candidate) => unwrap(candidate))
    .flatMap((candidate) => (candidate instanceof z.ZodObject ? Object.keys(candidate.shape) : []));
  return [...new Set(keys)].filter((key) => key !== '$schema');
}

function children(schema: z.ZodType, segment: PathSegment): z.ZodType[] {
  return unwrap(schema).flatMap((candidate) => {
    if (candidate instanceof z.ZodObject) {
      const child = (candidate.shape as Record<string, z.ZodType>)[String(segment)];
      return child ? [child] : [];
    }
    if (candidate instanceof z.ZodRecord) return [candidate.valueType as z.ZodType];
    if (candidate instanceof z.ZodArray && typeof segment === 'number') return [candidate.element as z.ZodType];
    return [];
  });
}

/** Looks through optional/default wrappers and union branches. */
function unwrap(schema: z.ZodType): z.ZodType[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault)
    return unwrap(schema.def.innerType as z.ZodType);
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap(unwrap);
  return [schema];
}

/** Words a union at `path` accepts besides its other forms (`approve`, `none` for strategy.pause). */
export function unionWordsAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let current: z.ZodType[] = [schema];
  for (const segment of path) current = current.flatMap((candidate) => children(candidate, segment));
  const unions = current.flatMap(withoutDefaults).filter((candidate) => candidate instanceof z.ZodUnion);
  return unions
    .flatMap(unwrap)
    .flatMap((candidate) => (candidate instanceof z.ZodEnum ? (candidate.options as string[]) : []));
}

function withoutDefaults(schema: z.ZodType): z.ZodType[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault)
    return withoutDefaults(schema.def.innerType as z.ZodType);
  return [schema];
}
