/**
 * The process's limit on open files (`ulimit -n`), read where Linux publishes
 * it. Node cannot raise it (no setrlimit), so a run that needs more must say
 * so before it starts. Undefined where there is no /proc (macOS): unknown.
 */
import { readFile } from 'node:fs/promises';

export interface OpenFileLimit {
  soft: number;
  /** Infinity for "unlimited". */
  hard: number;
}

export function parseOpenFileLimit(limits: string): OpenFileLimit | undefined {
  const match = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limits);
  if (!match?.[1] || !match[2]) return undefined;
  const value = (text: string) => (text === 'unlimited' ? Infinity : Number(text));
  return { soft: value(match[1]), hard: value(match[2]) };
}

export async function readOpenFileLimit(path = '/proc/self/limits'): Promise<OpenFileLimit | undefined> {
  try {
    return parseOpenFileLimit(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}
