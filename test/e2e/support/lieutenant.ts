/**
 * Runs the real CLI in-process — `runCli(argv, io, { cwd })`, the same entry
 * `bin/lieutenant.js` calls — with stdout and stderr captured as text, and the
 * `--json` event lines parsed back. A started run can be watched while it goes
 * on (waiting at a gate) before its exit code is known.
 */
import { runCli } from '../../../src/cli/main.js';
import type { RunEvent, RunEventType, EventOf } from '../../../src/engine/index.js';
import { readJournal } from '../../../src/records/journal/index.js';
import { journalPath, listRuns } from '../../../src/records/index.js';
import type { RolloutRepo } from './rollout-repo.js';

export interface LieutenantResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for "the output names X". */
  output: string;
  /** Events from `--json` lines (the summary object is left out). */
  events: RunEvent[];
  /** The `{"type":"summary"}` / `{"type":"plan"}` object of `--json`, if printed. */
  json: Array<Record<string, unknown>>;
}

export interface StartedLieutenant {
  result: Promise<LieutenantResult>;
  stdout(): string;
  events(): RunEvent[];
}

export interface LieutenantOptions {
  repo: Pick<RolloutRepo, 'dir'>;
  signal?: AbortSignal;
}

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

const isEvent = (value: Record<string, unknown>): boolean =>
  typeof value.seq === 'number' && typeof value.runId === 'string';

/** `lieutenant ARGS --repo DIR`, started; resolves when the command returns. */
export function startLieutenant(args: readonly string[], options: LieutenantOptions): StartedLieutenant {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
  };
  const argv = [...args, '--repo', options.repo.dir];
  const stdout = () => out.join('');
  const events = () => jsonLines(stdout()).filter(isEvent) as unknown as RunEvent[];
  const result = runCli(argv, io, {
    cwd: options.repo.dir,
    ...(options.signal ? { signal: options.signal } : {}),
  }).then((code) => {
    const text = stdout();
    const all = jsonLines(text);
    return {
      code,
      stdout: text,
      stderr: err.join(''),
      output: `${text}\n${err.join('')}`,
      events: all.filter(isEvent) as unknown as RunEvent[],
      json: all.filter((value) => !isEvent(value)),
    };
  });
  return { result, stdout, events };
}

export function runLieutenant(args: readonly string[], options: LieutenantOptions): Promise<LieutenantResult> {
  return startLieutenant(args, options).result;
}

/** Every run's journal in the repo, oldest first. */
export async function journals(repo: Pick<RolloutRepo, 'dir'>): Promise<Array<{ runId: string; events: RunEvent[] }>> {
  const ids = (await listRuns(repo.dir)).reverse();
  return Promise.all(
    ids.map(async (runId) => ({ runId, events: (await readJournal(journalPath(repo.dir, runId))).events })),
  );
}

/** The journal of the newest run. */
export async function lastJournal(repo: Pick<RolloutRepo, 'dir'>): Promise<RunEvent[]> {
  const all = await journals(repo);
  const last = all.at(-1);
  if (!last) throw new Error(`no run journal in ${repo.dir}`);
  return last.events;
}

export function eventsOf<T extends RunEventType>(events: readonly RunEvent[], type: T): Array<EventOf<T>> {
  return events.filter((event): event is EventOf<T> => event.type === type);
}

/** Hosts named by any event (host field or a batch's host list). */
export function hostsMentioned(events: readonly RunEvent[], types?: readonly RunEventType[]): string[] {
  const names = events
    .filter((event) => types === undefined || types.includes(event.type))
    .flatMap((event) => [...('host' in event ? [event.host] : []), ...('hosts' in event ? event.hosts : [])]);
  return [...new Set(names)].sort();
}
