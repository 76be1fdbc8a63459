import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journalPath, runsDir } from '../index.js';
import { deleteSharedJournal, importSharedJournals, pushJournal } from './shared-journal.js';
import { createGitSandbox, type GitSandbox, type TestRepo } from '../testing/git-fixture.js';

const line = (event: Record<string, unknown>) => `${JSON.stringify(event)}\n`;
const takeAll = () => Promise.resolve([]);
const journalOf = (runId: string, environment: string, more = 0) =>
  line({ type: 'run.started', runId, seq: 1, environment }) +
  Array.from({ length: more }, (_, i) => line({ type: 'log', runId, seq: i + 2 })).join('');

describe('run journals shared through the remote', () => {
  let sandbox: GitSandbox;
  let server: TestRepo;
  let laptop: TestRepo;
  beforeEach(async () => {
    sandbox = await createGitSandbox();
    const remote = await sandbox.bare();
    server = await sandbox.clone(remote, 'server');
    laptop = await sandbox.clone(remote, 'laptop');
    await mkdir(runsDir(server.dir), { recursive: true });
  });
  afterEach(() => sandbox.cleanup());

  const write = (clone: TestRepo, runId: string, text: string) => writeFile(journalPath(clone.dir, runId), text);

  it('given journals of two environments pushed from one clone, when another clone imports staging, then it gets exactly the staging run, byte for byte', async () => {
    // Given
    await write(server, 'run-staging', journalOf('run-staging', 'staging', 3));
    await write(server, 'run-prod', journalOf('run-prod', 'production'));
    for (const runId of ['run-staging', 'run-prod'])
      expect((await pushJournal(server.dir, 'origin', runId)).ok).toBe(true);

    // When
    const imported = await importSharedJournals(laptop.dir, 'origin', 'staging', takeAll);

    // Then
    expect(imported).toEqual({ ok: true, value: { imported: ['run-staging'], refused: [] } });
    expect(await readFile(journalPath(laptop.dir, 'run-staging'), 'utf8')).toBe(journalOf('run-staging', 'staging', 3));
    await expect(readFile(journalPath(laptop.dir, 'run-prod'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('given a clone whose own journal of the run is ahead of the shared one, when it imports, then its own is kept', async () => {
    // Given
    await write(server, 'run-1', journalOf('run-1', 'staging', 1));
    await pushJournal(server.dir, 'origin', 'run-1');
    await mkdir(runsDir(laptop.dir), { recursive: true });
    await write(laptop, 'run-1', journalOf('run-1', 'staging', 5));

    // When
    const imported = await importSharedJournals(laptop.dir, 'origin', 'staging', takeAll);

    // Then
    expect(imported).toEqual({ ok: true, value: { imported: [], refused: [] } });
    expect(await readFile(journalPath(laptop.dir, 'run-1'), 'utf8')).toBe(journalOf('run-1', 'staging', 5));
  });

  it('given a shared journal deleted once its run ended, when a clone imports, then there is nothing to bring in', async () => {
    // Given
    await write(server, 'run-1', journalOf('run-1', 'staging'));
    await pushJournal(server.dir, 'origin', 'run-1');
    await importSharedJournals(laptop.dir, 'origin', 'staging', takeAll);
    await deleteSharedJournal(server.dir, 'origin', 'run-1');
    await write(server, 'run-2', journalOf('run-2', 'staging'));

    // When
    const imported = await importSharedJournals(laptop.dir, 'origin', 'staging', takeAll);

    // Then: and the mirror of the deleted ref is pruned
    expect(imported).toEqual({ ok: true, value: { imported: [], refused: [] } });
    expect((await laptop.git.raw(['for-each-ref', 'refs/lieutenant/runs/'])).trim()).toBe('');
  });
});
