/**
 * The files `import` touches, handled as a careful tool must: the Ansible
 * inventory is read only if it is a regular file (a FIFO would block, a
 * directory or a device is no inventory), through one descriptor opened
 * without blocking and checked again, and at most MAX_INVENTORY_BYTES; the
 * inventory written goes into `inventories/` only when that is a real folder
 * of the repo and the target is absent or a regular file — never through a
 * symbolic link — via a new temporary file renamed into place, so nothing
 * half-written or outside the repo is ever left.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ok, type Result } from '../../core/result.js';

/** An inventory larger than this is not one a person wrote or exported. */
export const MAX_INVENTORY_BYTES = 64 * 1024 * 1024;

const kind = (stats: { isDirectory(): boolean; isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean }) =>
  stats.isSymbolicLink()
    ? 'a symbolic link'
    : stats.isDirectory()
      ? 'a directory'
      : stats.isFIFO()
        ? 'a FIFO'
        : stats.isSocket()
          ? 'a socket'
          : 'a device or special file';

export async function readInventoryFile(path: string, source: string): Promise<Result<string, string>> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return {
      ok: false,
      error: `cannot read the Ansible inventory ${source}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile())
      return { ok: false, error: `${source} is ${kind(stats)}, not a regular file: nothing was read` };
    if (stats.size > MAX_INVENTORY_BYTES)
      return {
        ok: false,
        error: `${source} is larger than ${MAX_INVENTORY_BYTES / 1024 / 1024} MiB: not an inventory`,
      };
    const chunks: Buffer[] = [];
    let size = 0;
    // Read to the end rather than trusting the size: /proc files say 0 and still have content.
    for (;;) {
      const buffer = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size > MAX_INVENTORY_BYTES)
        return {
          ok: false,
          error: `${source} is larger than ${MAX_INVENTORY_BYTES / 1024 / 1024} MiB: not an inventory`,
        };
      chunks.push(buffer.subarray(0, bytesRead));
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.includes('\u0000')) return { ok: false, error: `${source} is a binary file, not an inventory` };
    return ok(text);
  } catch (error) {
    return {
      ok: false,
      error: `cannot read the Ansible inventory ${source}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    };
  } finally {
    await handle.close();
  }
}

/** Why `inventories/FILE` of `repoDir` must not be written, or whether it is there to be replaced. */
export async function checkTarget(repoDir: string, file: string): Promise<Result<{ exists: boolean }, string>> {
  const repo = await lstat(repoDir).catch(() => undefined);
  if (!repo?.isDirectory()) return { ok: false, error: `${repoDir} is not a directory: nothing was written` };
  const folder = await lstat(join(repoDir, 'inventories')).catch(() => undefined);
  if (folder && !folder.isDirectory())
    return { ok: false, error: `inventories/ in ${repoDir} is ${kind(folder)}, not a folder: nothing was written` };
  const target = await lstat(join(repoDir, file)).catch(() => undefined);
  if (target && !target.isFile())
    return { ok: false, error: `${file} in ${repoDir} is ${kind(target)}, not a regular file: nothing was written` };
  return ok({ exists: target !== undefined });
}

/** Writes a new temporary file beside the target (never following a link) and renames it into place. */
export async function writeInventoryFile(repoDir: string, file: string, text: string): Promise<Result<void, string>> {
  const folder = join(repoDir, 'inventories');
  const temporary = join(repoDir, `${file}.${process.pid}.tmp`);
  try {
    await mkdir(folder, { recursive: true });
    const handle = await open(
      temporary,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o644,
    );
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, join(repoDir, file));
    return ok(undefined);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => {});
    return {
      ok: false,
      error: `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? 'failed'}; nothing was written`,
    };
  }
}
