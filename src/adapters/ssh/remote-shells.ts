/**
 * `RemoteShells` over node-ssh: one connection per host, opened on first
 * `connect` and reused for every later step; concurrent connects to a host
 * share one attempt. A failed or closed connection leaves the cache, so the
 * next `connect` tries afresh.
 *
 * ~/.ssh/config (or `sshConfigPath`) refines the inventory's `ssh:` settings
 * per host — HostName, User, Port, IdentityFile, ProxyJump — the way `ssh
 * HOST` would use them, matching a `Host` line against the inventory name or
 * the address. Jump hosts are resolved through the same file (their own
 * ProxyJump is not followed), verified against the same known_hosts, and
 * shared by every host behind them: one connection to the jump host, one
 * forwarded channel (no file descriptor) per host behind it.
 *
 * At most `maxHandshakes` handshakes are in progress at once, across hosts
 * and jump hosts: hundreds at once make sshd's MaxStartups (and jump hosts)
 * reset connections. A slot is held from the TCP connect until the
 * connection is ready or has failed, never longer; open connections hold none.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { RemoteShell, RemoteShells } from '../../engine/index.js';
import type { Failure, Result } from '../../core/result.js';
import { fail, ok } from '../../core/result.js';
import type { HostTarget, SshSettings } from '../../spec/model.js';
import { resolveAuth } from './auth.js';
import type { Connection, Endpoint } from './connect.js';
import { openConnection } from './connect.js';
import { createRemoteShell } from './remote-shell.js';
import type { SshConfig } from './ssh-config.js';
import { parseSshConfig, resolveHostConfig } from './ssh-config.js';
import { resolveHostSsh, type HostSshTarget, type ResolvedSsh } from './host-settings.js';
import { forwardStreamLocal, streamLocalFailure, type StreamLocalFailure } from './stream-local.js';
import type { Duplex } from 'node:stream';
import type { SshHostRef } from '../../spec/model.js';

export interface RemoteShellsOptions {
  /** Default ~/.ssh/config; a missing file is no config. */
  sshConfigPath?: string;
  log?: (message: string) => void;
  /** Where SSH_AUTH_SOCK is read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

interface Pooled {
  connection: Promise<Result<Connection>>;
  open: boolean;
}

export async function loadSshConfig(path: string, log: (m: string) => void): Promise<SshConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { blocks: [], warnings: [] };
  }
  const config = parseSshConfig(text, path);
  config.warnings.forEach(log);
  return config;
}

function whenAborted(signal: AbortSignal, then: () => void): void {
  if (signal.aborted) then();
  else signal.addEventListener('abort', then, { once: true });
}

const labelOf = (name: string, host: string, port: number) =>
  name === host ? `${host}${port === 22 ? '' : `:${port}`}` : `${name} (${host}${port === 22 ? '' : `:${port}`})`;

/** The hosts' shells, and the load balancers' sockets over the same kind of connection. */
export interface SshConnections extends RemoteShells {
  dialStreamLocal(
    ref: SshHostRef,
    path: string,
    signal: AbortSignal | undefined,
  ): Promise<Result<Duplex, StreamLocalFailure>>;
}

export function createRemoteShells(settings: SshSettings, options: RemoteShellsOptions = {}): SshConnections {
  const log = options.log ?? (() => {});
  const env = options.env ?? process.env;
  const pool = new Map<string, Pooled>();
  const shells = new Map<string, { shell: RemoteShell; pooled: Pooled }>();
  let sshConfig: Promise<SshConfig> | undefined;
  const config = () => (sshConfig ??= loadSshConfig(options.sshConfigPath ?? join(homedir(), '.ssh', 'config'), log));
  const handshakes = pLimit(settings.maxHandshakes);
  const baseSettings = {
    knownHosts: settings.knownHosts,
    hostKeyPolicy: settings.hostKeyPolicy,
    keepaliveIntervalMs: settings.keepaliveIntervalMs,
    log,
  };

  /** Reuses the pooled connection under `key`, or opens one with `open`. */
  function pooled(key: string, open: () => Promise<Result<Connection>>): Pooled {
    const existing = pool.get(key);
    if (existing?.open) return existing;
    const entry: Pooled = { connection: open(), open: true };
    pool.set(key, entry);
    const forget = () => {
      entry.open = false;
      if (pool.get(key) === entry) pool.delete(key);
    };
    void entry.connection.then((result) => {
      if (!result.ok) return forget();
      result.value.client.on('close', forget);
      result.value.client.on('error', () => {}); // reported through the exec that meets it
    });
    return entry;
  }

  async function connectThrough(
    endpoint: Endpoint,
    resolved: ResolvedSsh,
    signal: AbortSignal | undefined,
  ): Promise<Result<Connection>> {
    let via: Connection | undefined;
    let chain = '';
    for (const jump of resolved.jumps) {
      const jumpConfig = resolveHostConfig(await config(), [jump.host]);
      const host = jumpConfig.hostName ?? jump.host;
      const port = jump.port ?? jumpConfig.port ?? 22;
      const user = jump.user ?? jumpConfig.user ?? settings.user;
      const hop: Endpoint = { label: `jump host ${labelOf(jump.host, host, port)}`, host, port, user };
      const previous = via;
      chain += `>${user}@${host}:${port}`;
      const result = await pooled(`jump${chain}`, () =>
        open(hop, jumpConfig.identityFile ?? settings.identityFile, settings.connectTimeoutMs, previous, signal),
      ).connection;
      if (!result.ok) return fail(`${endpoint.label}: ${result.error.message}`, result.error.detail);
      via = result.value;
    }
    return open(endpoint, resolved.identityFile, resolved.connectTimeoutMs, via, signal);
  }

  async function open(
    endpoint: Endpoint,
    identityFile: string | undefined,
    connectTimeoutMs: number,
    via: Connection | undefined,
    signal?: AbortSignal,
  ) {
    const auth = await resolveAuth(identityFile, env);
    if (!auth.ok) return fail(`${endpoint.label}: ${auth.error.message}`);
    const aborted = () => fail(`${endpoint.label}: connection aborted`);
    const connectSettings = { ...baseSettings, connectTimeoutMs };
    // The handshake timeout starts once a slot is free, not while queued behind others.
    const queued = handshakes(() =>
      signal?.aborted ? aborted() : openConnection(endpoint, auth.value, connectSettings, via, signal),
    );
    if (signal === undefined) return queued;
    // An abort while queued answers at once; the queued attempt then gives its slot straight back.
    return Promise.race([
      queued,
      new Promise<Result<Connection>>((resolve) => whenAborted(signal, () => resolve(aborted()))),
    ]);
  }

  /** The pooled connection to a host as it resolves (own settings, ~/.ssh/config, the environment). */
  async function connection(
    key: string,
    target: HostSshTarget,
    signal?: AbortSignal,
  ): Promise<{ entry: Pooled; resolved: ResolvedSsh } | { failed: { ok: false; error: Failure } }> {
    const resolved = resolveHostSsh(target, settings, await config());
    const endpoint: Endpoint = {
      label: labelOf(target.name, resolved.host, resolved.port),
      host: resolved.host,
      port: resolved.port,
      user: resolved.user,
    };
    if (resolved.jumpError !== undefined)
      return { failed: { ok: false, error: { message: `${endpoint.label}: ${resolved.jumpError}` } } };
    return { entry: pooled(key, () => connectThrough(endpoint, resolved, signal)), resolved };
  }

  async function connect(target: HostTarget, signal?: AbortSignal): Promise<Result<RemoteShell>> {
    const cached = shells.get(target.name);
    if (cached?.pooled.open) return ok(cached.shell);
    const found = await connection(`host:${target.name}`, target, signal);
    if ('failed' in found) return found.failed;
    const { entry, resolved } = found;
    const result = await entry.connection;
    if (!result.ok) return result;
    const existing = shells.get(target.name);
    if (existing?.pooled === entry) return ok(existing.shell);
    const shellSettings = { become: resolved.become, commandTimeoutMs: settings.commandTimeoutMs };
    const shell = createRemoteShell(target.name, result.value, shellSettings, () => entry.open);
    shells.set(target.name, { shell, pooled: entry });
    return ok(shell);
  }

  /** A stream to a unix socket on a load balancer's host, over its one pooled SSH connection. */
  async function dialStreamLocal(
    ref: SshHostRef,
    path: string,
    signal: AbortSignal | undefined,
  ): Promise<Result<Duplex, StreamLocalFailure>> {
    const target: HostSshTarget = {
      name: ref.host,
      address: ref.host,
      ssh: {
        settings: { ...(ref.user ? { user: ref.user } : {}), ...(ref.port ? { port: ref.port } : {}) },
        from: { user: 'socket', port: 'socket' },
      },
    };
    const found = await connection(`lb:${ref.user ?? ''}@${ref.host}:${ref.port ?? ''}`, target, signal);
    if ('failed' in found) return streamLocalFailure('ssh', found.failed.error.message);
    const opened = await found.entry.connection;
    if (!opened.ok) return streamLocalFailure('ssh', opened.error.message, opened.error.detail);
    return forwardStreamLocal(opened.value, path, () => found.entry.open);
  }

  async function closeAll(): Promise<void> {
    const entries = [...pool.values()];
    pool.clear();
    shells.clear();
    await Promise.all(
      entries.map(async (entry) => {
        entry.open = false;
        const result = await entry.connection;
        if (result.ok) result.value.ssh.dispose();
      }),
    );
  }

  return { connect, closeAll, dialStreamLocal };
}
