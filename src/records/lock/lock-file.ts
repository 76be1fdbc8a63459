/**
 * Reading a lock file, parsed and not trusted: whatever is at the path — a
 * directory, a FIFO (never opened: reading one blocks), text that is not a
 * lock, a pid no process can have — is "unreadable", with the reason.
 */
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';

/** Linux's largest pid_max (2^22); pid 0 and negative pids name process groups, never a holder. */
const PID_MAX = 4_194_304;

const name = z.string().min(1, 'empty');
export const LockInfoSchema = z.object({
  pid: z.number().refine((pid) => Number.isInteger(pid) && pid > 0 && pid <= PID_MAX, 'not a process id'),
  user: name,
  host: name,
  since: z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'not a time'),
  runId: name,
  rollout: name,
  operator: name,
});
export type LockInfo = z.infer<typeof LockInfoSchema>;

export type LockRead = { kind: 'missing' } | { kind: 'unreadable'; reason: string } | { kind: 'held'; info: LockInfo };

export async function readLockFile(path: string): Promise<LockRead> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return { kind: 'unreadable', reason: 'it is a directory' };
    if (!info.isFile()) return { kind: 'unreadable', reason: 'it is not a regular file' };
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', reason: text.trim() === '' ? 'it is empty' : 'it is not JSON' };
  }
  const parsed = LockInfoSchema.safeParse(json);
  if (parsed.success) return { kind: 'held', info: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') ?? '';
  return { kind: 'unreadable', reason: `${where === '' ? 'its fields' : where}: ${issue?.message ?? 'invalid'}` };
}
