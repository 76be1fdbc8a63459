/**
 * The active-run registry: a running run writes `.lieutenant/active/<runId>.json`
 * (who, where, since when, and its gate while one waits) and removes it when it
 * ends. Readers skip entries whose process is gone, so a crashed run never
 * blocks `lieutenant approve`.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { activeDir, activeFile, controlDir, isAlive } from '../index.js';
import { writeFileAtomic } from './atomic-write.js';

const ActiveGate = z.object({
  afterBatch: z.number().int(),
  batches: z.number().int(),
  summary: z.string(),
  /** ISO 8601: when the run started waiting. */
  since: z.string(),
  /** What `lieutenant approve` checks an answer against before it sends it (the run checks again). */
  rules: z
    .object({
      required: z.number().int(),
      approvers: z.array(z.string()).optional(),
      distinctFromAuthor: z.boolean(),
      allowedSignersFile: z.string().optional(),
    })
    .optional(),
  author: z.string().optional(),
  allowedSigners: z.string().optional(),
  /** Identities whose approvals the gate counted so far. */
  approvedBy: z.array(z.string()).optional(),
});

const ActiveRun = z.object({
  runId: z.string(),
  pid: z.number().int(),
  rollout: z.string(),
  environment: z.string(),
  operator: z.string(),
  /** Machine name: the pid means something only there. */
  host: z.string(),
  startedAt: z.string(),
  gate: ActiveGate.optional(),
});

export type ActiveGate = z.infer<typeof ActiveGate>;
export type ActiveRunInfo = z.infer<typeof ActiveRun>;
export type ActiveRunRegistration = Omit<ActiveRunInfo, 'pid' | 'host' | 'gate' | 'startedAt'> & {
  pid?: number;
  host?: string;
  startedAt?: string;
};

export interface ActiveRunHandle {
  readonly info: ActiveRunInfo;
  /** Announces (or, with undefined, withdraws) the gate the run waits at. */
  setGate(gate: ActiveGate | undefined): Promise<void>;
  /** The run ended: remove its entry and its control folder. */
  close(): Promise<void>;
}

export async function registerActiveRun(
  repoDir: string,
  registration: ActiveRunRegistration,
): Promise<ActiveRunHandle> {
  await pruneDeadRuns(repoDir);
  let info: ActiveRunInfo = {
    ...registration,
    pid: registration.pid ?? process.pid,
    host: registration.host ?? hostname(),
    startedAt: registration.startedAt ?? new Date().toISOString(),
  };
  const path = activeFile(repoDir, info.runId);
  // Writes are chained so a quick set/clear/close sequence lands in order.
  let writes: Promise<void> = writeFileAtomic(path, `${JSON.stringify(info, null, 2)}\n`);
  await writes;
  let closed = false;
  return {
    get info() {
      return info;
    },
    setGate(gate) {
      const { gate: _previous, ...rest } = info;
      info = gate === undefined ? rest : { ...rest, gate };
      const snapshot = info;
      writes = writes.then(() =>
        closed ? undefined : writeFileAtomic(path, `${JSON.stringify(snapshot, null, 2)}\n`),
      );
      return writes;
    },
    close() {
      closed = true;
      writes = writes.then(async () => {
        await rm(path, { force: true });
        await rm(controlDir(repoDir, info.runId), { recursive: true, force: true });
      });
      return writes;
    },
  };
}

/** Runs that are alive now, oldest first. */
export async function listActiveRuns(repoDir: string): Promise<ActiveRunInfo[]> {
  const runs = await readActiveRuns(repoDir);
  return runs.filter((run) => isAlive(run)).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

async function readActiveRuns(repoDir: string): Promise<ActiveRunInfo[]> {
  let names: string[];
  try {
    names = await readdir(activeDir(repoDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const runs: ActiveRunInfo[] = [];
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
    try {
      const parsed = ActiveRun.safeParse(JSON.parse(await readFile(join(activeDir(repoDir), name), 'utf8')));
      if (parsed.success) runs.push(parsed.data);
    } catch {
      // Removed between readdir and read (the run just ended), or not ours: skip it.
    }
  }
  return runs;
}

async function pruneDeadRuns(repoDir: string): Promise<void> {
  for (const run of await readActiveRuns(repoDir)) {
    if (isAlive(run)) continue;
    await rm(activeFile(repoDir, run.runId), { force: true });
    await rm(controlDir(repoDir, run.runId), { recursive: true, force: true });
  }
}
