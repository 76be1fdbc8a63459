/**
 * Reading a run journal back, for `resume`, `status` and `history`. A crash
 * mid-append leaves a torn last line: it is skipped and counted, never fatal.
 * Only lines ended by a newline count — `append` writes line and newline in
 * one write and acknowledges only after both are on disk.
 */
import { readFile } from 'node:fs/promises';
import type { RunEvent } from '../../engine/index.js';

export interface JournalContents {
  events: RunEvent[];
  /** Lines that were torn or not an event (a torn line ended by a later reopen lands mid-file). */
  skipped: number;
  /**
   * Line numbers (from 1) of the complete lines that are not an event: damage
   * worth saying. An unterminated last line is not among them — its append
   * was never acknowledged, so nothing acknowledged was lost.
   */
  unreadable: number[];
}

function asEvent(line: string): RunEvent | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null) return undefined;
    const { type, seq, runId, at } = value as Record<string, unknown>;
    if (typeof type !== 'string' || typeof seq !== 'number' || typeof runId !== 'string' || typeof at !== 'string')
      return undefined;
    if (type === 'run.started' && !isStart(value as Record<string, unknown>)) return undefined;
    if (type.startsWith('host.') && typeof (value as Record<string, unknown>)['host'] !== 'string') return undefined;
    return value as RunEvent;
  } catch {
    return undefined;
  }
}

/** A start is what resume builds on (commit, rollout, environment, the planned hosts): all of it, or it is not one. */
function isStart(value: Record<string, unknown>): boolean {
  const { rollout, environment, commit, plan } = value;
  const sha = (commit as Record<string, unknown> | null | undefined)?.['sha'];
  const groups = (plan as Record<string, unknown> | null | undefined)?.['groups'];
  return (
    typeof rollout === 'string' && typeof environment === 'string' && typeof sha === 'string' && Array.isArray(groups)
  );
}

/** Rejects only when the file cannot be read (missing, permissions). */
export async function readJournal(path: string): Promise<JournalContents> {
  const text = await readFile(path, 'utf8');
  const lines = text.split('\n');
  // After the last newline: '' for a clean file, a fragment for a torn one.
  const unterminated = lines.pop() ?? '';
  const events: RunEvent[] = [];
  const unreadable: number[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const event = asEvent(line);
    if (event) events.push(event);
    else unreadable.push(index + 1);
  });
  return { events, skipped: unreadable.length + (unterminated === '' ? 0 : 1), unreadable };
}
