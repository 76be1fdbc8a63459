import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../app/watch/events.js';
import { makeSpecRepo } from '../spec/testing/spec-repo.js';
import { AbortError } from './errors.js';
import { runCli } from './main.js';
import { captureIo } from './testing.js';
import { listenAddress, watchRequest, type WatchFlags } from './watch.js';

const defaults: WatchFlags = { interval: '30s', driftAlertAfter: '5m' };

describe('lieutenant watch flags', () => {
  it('given only defaults, then every 30 s, alerts after 5 m, no webhook, nothing automatic', () => {
    expect(watchRequest('/repo', defaults)).toEqual({
      repoDir: '/repo',
      intervalMs: 30_000,
      driftAlertAfterMs: 300_000,
      selfHeal: false,
      yes: false,
      once: false,
    });
  });

  it('given every flag, then the request says each of them', () => {
    const request = watchRequest('/repo', {
      ...defaults,
      remote: 'upstream',
      branch: 'release',
      interval: '1s',
      listen: '127.0.0.1:8787',
      secretFile: '/etc/lieutenant/secret',
      driftAlertAfter: '0s',
      notify: 'http://127.0.0.1:9000/alerts',
      selfHeal: true,
      yes: true,
    });
    expect(request).toEqual({
      repoDir: '/repo',
      remote: 'upstream',
      branch: 'release',
      intervalMs: 1_000,
      listen: { host: '127.0.0.1', port: 8787 },
      secretFile: '/etc/lieutenant/secret',
      driftAlertAfterMs: 0,
      notifyUrl: 'http://127.0.0.1:9000/alerts',
      selfHeal: true,
      yes: true,
      once: false,
    });
  });

  it.each([
    [{ interval: 'soon' }, '--interval soon is not a duration'],
    [{ interval: '10ms' }, '--interval 10ms is too short'],
    [{ interval: '600h' }, '--interval 600h is too long'],
    [{ driftAlertAfter: '25h' }, '--drift-alert-after 25h is too long'],
    [{ driftAlertAfter: '5 minutes' }, '--drift-alert-after 5 minutes is not a duration'],
    [{ listen: '127.0.0.1:8787' }, '--listen needs --secret-file FILE'],
    [{ secretFile: '/s' }, '--secret-file is only used with --listen ADDR:PORT'],
    [
      { once: true, listen: '127.0.0.1:1', secretFile: '/s' },
      '--once runs one cycle and exits: it cannot serve a webhook (--listen)',
    ],
    [{ notify: 'ftp://x' }, '--notify needs an http(s) URL, not ftp://x'],
    [{ listen: 'localhost', secretFile: '/s' }, '--listen localhost is not ADDR:PORT'],
    [{ sync: ['production=sometimes'] }, '--sync production=sometimes is not [ENV=]POLICY'],
    [{ sync: ['=manual'] }, '--sync =manual is not [ENV=]POLICY'],
  ] as Array<[Partial<WatchFlags>, string]>)('refuses %j before anything starts', (flags, message) => {
    const attempt = () => watchRequest('/repo', { ...defaults, ...flags });
    expect(attempt).toThrow(AbortError);
    expect(attempt).toThrow(message);
  });

  it('given --sync for one environment and for every one, then each policy is kept, the last of an environment winning', () => {
    // When
    const request = watchRequest('/repo', {
      ...defaults,
      sync: ['manual', 'staging=manual', 'staging=automatic'],
    });
    // Then
    expect(request.sync).toEqual({ '*': 'manual', staging: 'automatic' });
  });

  it.each([
    ['127.0.0.1:8787', { host: '127.0.0.1', port: 8787 }],
    ['[::1]:0', { host: '::1', port: 0 }],
    [':9000', { host: '0.0.0.0', port: 9000 }],
  ])('reads --listen %s', (text, address) => {
    expect(listenAddress(text)).toEqual(address);
  });

  it('given a bad flag on the command line, then exit 2 with the reason', async () => {
    const io = captureIo();
    expect(await runCli(['watch', '--interval', 'often'], io)).toBe(2);
    expect(io.err()).toBe('error: --interval often is not a duration\ndurations look like 500ms, 30s, 5m, 1h\n');
  });

  it('given --json and a head whose spec is invalid, then one JSON object per line: started, the invalid commit with its errors, stopped', async () => {
    const repo = await makeSpecRepo();
    try {
      const sha = await repo.commit({ 'playbooks/web.yaml': 'rollout: web\nbatchez: 2\n' }, 'a broken playbook');
      const io = captureIo();
      expect(await runCli(['watch', '--once', '--json', '--repo', repo.dir], io, { cwd: repo.dir })).toBe(2);
      const events = io
        .out()
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as WatchEvent);
      expect(events.map((event) => event.type)).toEqual(['watch.started', 'spec.invalid', 'watch.stopped']);
      expect(events[1]).toMatchObject({
        type: 'spec.invalid',
        commit: sha,
        errors: expect.arrayContaining([expect.stringContaining('playbooks/web.yaml')]),
      });
    } finally {
      await repo.remove();
    }
  });

  it('given a folder that is not a rollout repo, then exit 2 and a line that says so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lieutenant-watch-cli-'));
    try {
      const io = captureIo();
      expect(await runCli(['watch', '--once', '--repo', dir], io, { cwd: dir })).toBe(2);
      expect(io.err()).toBe(
        `lieutenant: rollout repo ${dir}: not a git repository (run "git init" there, or give the rollout repo with --repo DIR)\n`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
