import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readWebhookSecret } from './webhook-secret.js';

describe('readWebhookSecret', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lieutenant-secret-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads and trims a private secret file', async () => {
    const path = join(dir, 'secret');
    await writeFile(path, '  s3cret value\n', { mode: 0o600 });
    expect(await readWebhookSecret(path)).toEqual({ ok: true, value: { secret: 's3cret value' } });
  });

  it('warns when others may read it', async () => {
    const path = join(dir, 'secret');
    await writeFile(path, 's3cret\n');
    await chmod(path, 0o644);
    const read = await readWebhookSecret(path);
    expect(read.ok && read.value.warning).toBe(`the webhook secret file ${path} is readable by others; chmod 600 it`);
  });

  it('refuses a missing or empty file without echoing anything from it', async () => {
    expect(await readWebhookSecret(join(dir, 'nope'))).toMatchObject({
      ok: false,
      error: { message: `cannot read the webhook secret file ${join(dir, 'nope')} (ENOENT)` },
    });
    const empty = join(dir, 'empty');
    await writeFile(empty, '\n\n', { mode: 0o600 });
    expect(await readWebhookSecret(empty)).toMatchObject({
      ok: false,
      error: { message: `the webhook secret file ${empty} is empty` },
    });
  });
});
