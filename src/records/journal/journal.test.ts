import { appendFile, mkdtemp, open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../engine/index.js';
import { journalPath } from '../index.js';
import { openJournal, readJournal } from './index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lieutenant-journal-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const runId = '20261122T130501Z-web-3f2a';
const event = (seq: number, body: Partial<RunEvent> = {}): RunEvent =>
  ({
    type: 'log',
    level: 'info',
    message: `event ${seq}`,
    runId,
    seq,
    at: new Date(seq * 1000).toISOString(),
    ...body,
  }) as RunEvent;

describe('openJournal', () => {
  it('given a path under missing folders, when events are appended and read back, then they come back in order', async () => {
    const path = journalPath(dir, runId);
    const journal = await openJournal(path);

    await journal.append(
      event(1, { type: 'batch.started', batch: 1, batches: 2, group: 'web', hosts: ['web-01'] } as Partial<RunEvent>),
    );
    await journal.append(event(2));
    await journal.close();

    expect(path).toBe(join(dir, '.lieutenant', 'runs', `${runId}.jsonl`));
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(await readJournal(path)).toEqual({
      events: [
        event(1, { type: 'batch.started', batch: 1, batches: 2, group: 'web', hosts: ['web-01'] } as Partial<RunEvent>),
        event(2),
      ],
      skipped: 0,
      unreadable: [],
    });
  });

  it('given an append, when it resolves, then the line was written and then synced to disk before it resolved', async () => {
    const path = join(dir, 'run.jsonl');
    const journal = await openJournal(path);
    // Spy on the FileHandle class itself: every handle, the journal's included, goes through it.
    const probe = await open(join(dir, 'probe'), 'w');
    const handleClass = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const onDiskAtSync: string[] = [];
    const realDatasync = handleClass.datasync;
    let releaseSync = (): void => undefined;
    const syncHeld = new Promise<void>((resolve) => (releaseSync = resolve));
    const spy = vi.spyOn(handleClass, 'datasync').mockImplementation(async function (this: unknown) {
      onDiskAtSync.push(await readFile(path, 'utf8'));
      await syncHeld;
      return realDatasync.call(this);
    });
    let resolved = false;

    const appending = journal.append(event(1)).then(() => (resolved = true));
    await vi.waitFor(() => expect(onDiskAtSync).toHaveLength(1));
    // The sync is held: the append must still be pending.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(resolved).toBe(false);
    releaseSync();
    await appending;
    await journal.close();

    expect(resolved).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(onDiskAtSync).toEqual([`${JSON.stringify(event(1))}\n`]);
  });

  it('given many appends fired at once, when they resolve, then lines are whole and in call order', async () => {
    const path = join(dir, 'run.jsonl');
    const journal = await openJournal(path);
    await Promise.all(Array.from({ length: 50 }, (_, i) => journal.append(event(i + 1))));
    await journal.close();
    const { events, skipped } = await readJournal(path);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(skipped).toBe(0);
  });

  it('given a closed journal, when appending, then it rejects', async () => {
    const journal = await openJournal(join(dir, 'run.jsonl'));
    await journal.close();
    await expect(journal.append(event(1))).rejects.toThrow(/closed/);
  });

  it('given a journal torn by a crash, when reopened and appended to, then the new event is on a line of its own', async () => {
    const path = join(dir, 'run.jsonl');
    await writeFile(path, `${JSON.stringify(event(1))}\n${JSON.stringify(event(2)).slice(0, 20)}`);

    const journal = await openJournal(path);
    await journal.append(event(3));
    await journal.close();

    expect(await readJournal(path)).toEqual({ events: [event(1), event(3)], skipped: 1, unreadable: [2] });
  });
});

describe('readJournal', () => {
  it('given a file cut mid-line by a crash, when read, then the whole lines come back and the torn one is counted', async () => {
    const path = join(dir, 'run.jsonl');
    const journal = await openJournal(path);
    for (const seq of [1, 2, 3]) await journal.append(event(seq));
    await journal.close();
    const size = (await readFile(path)).length;
    await truncate(path, size - 7);

    expect(await readJournal(path)).toEqual({ events: [event(1), event(2)], skipped: 1, unreadable: [] });
  });

  it('given a last line complete but without its newline, when read, then it is skipped: its append was never acknowledged', async () => {
    const path = join(dir, 'run.jsonl');
    await writeFile(path, `${JSON.stringify(event(1))}\n${JSON.stringify(event(2))}`);
    expect(await readJournal(path)).toEqual({ events: [event(1)], skipped: 1, unreadable: [] });
  });

  it('given lines that are not events, when read, then they are skipped and counted', async () => {
    const path = join(dir, 'run.jsonl');
    await writeFile(path, `${JSON.stringify(event(1))}\n{"hello":1}\nnot json\n\n`);
    await appendFile(path, `${JSON.stringify(event(2))}\n`);
    expect(await readJournal(path)).toEqual({ events: [event(1), event(2)], skipped: 2, unreadable: [2, 3] });
  });

  it('given a start missing what resume builds on, or a host event without its host, when read, then they are unreadable', async () => {
    const path = join(dir, 'run.jsonl');
    const start = {
      type: 'run.started',
      rollout: 'web',
      environment: 'staging',
      commit: { sha: 'abc' },
      plan: { groups: [] },
    };
    const lines = [
      { ...start, runId, seq: 1, at: 'x' },
      { ...start, plan: null, runId, seq: 2, at: 'x' },
      { type: 'host.drain.started', runId, seq: 3, at: 'x' },
    ];
    await writeFile(path, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    const read = await readJournal(path);
    expect(read.events.map((e) => e.seq)).toEqual([1]);
    expect(read.unreadable).toEqual([2, 3]);
  });

  it('given no file, when read, then it rejects with ENOENT', async () => {
    await expect(readJournal(join(dir, 'missing.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
