/**
 * The write-ahead run journal: one JSON line per `RunEvent`, appended and
 * fdatasync-ed before `append` resolves, so an event the engine has seen
 * acknowledged survives a crash and `resume` can trust it.
 */
import { mkdir, open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Journal } from '../../engine/index.js';
import type { RunEvent } from '../../engine/index.js';

export interface FileJournal extends Journal {
  readonly path: string;
  /** Waits for pending appends, then closes the file. Appending afterwards is a bug and throws. */
  close(): Promise<void>;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** A new file's directory entry must be durable too, or the whole journal can vanish with a crash. */
async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/** A crash mid-append leaves a line without its newline; end it, so the next event starts a line of its own. */
async function terminateTornLine(handle: FileHandle): Promise<void> {
  const { size } = await handle.stat();
  if (size === 0) return;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  if (last[0] !== 0x0a) {
    await handle.appendFile('\n');
    await handle.datasync();
  }
}

/** Names the file and keeps the errno code (ENOSPC, EIO, EROFS…): what the operator has to free or fix. */
function unwritable(path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const why = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(`cannot write ${path}: ${why}`), code === undefined ? {} : { code });
}

export async function openJournal(path: string): Promise<FileJournal> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const created = !(await exists(path));
  // 'a+': appends always go to the end (O_APPEND); reading is needed to find a torn last line.
  const handle = await open(path, 'a+');
  if (created) await syncDirectory(directory);
  else await terminateTornLine(handle);

  // Appends are chained so lines never interleave and each resolves after its own sync.
  let tail: Promise<void> = Promise.resolve();
  let broken: unknown;
  let closed = false;

  let size = (await handle.stat()).size;
  const writeLine = async (line: string): Promise<void> => {
    if (broken !== undefined) throw broken;
    try {
      await handle.appendFile(line);
      await handle.datasync();
      size += Buffer.byteLength(line);
    } catch (error) {
      broken = unwritable(path, error);
      // A full disk can take half a line: cut it off, so the journal reads whole up to the last step taken.
      await handle.truncate(size).catch(() => undefined);
      throw broken;
    }
  };

  return {
    path,
    append(event: RunEvent) {
      if (closed) return Promise.reject(new Error(`journal ${path} is closed; cannot append ${event.type}`));
      const line = `${JSON.stringify(event)}\n`;
      const written = tail.then(() => writeLine(line));
      tail = written.catch(() => undefined);
      return written;
    },
    async close() {
      if (closed) return;
      closed = true;
      await tail;
      await handle.close();
    },
  };
}
