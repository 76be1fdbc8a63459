/**
 * Opens one verified, authenticated SSH connection: host key checked against
 * known_hosts before any credential is offered, handshake bounded by
 * `connectTimeoutMs`, keepalives on, optionally tunnelled through an already
 * open jump connection (ProxyJump). Every failure is a value naming the host.
 */
import { NodeSSH } from 'node-ssh';
import type { Duplex } from 'node:stream';
import { formatDuration } from '../../spec/duration.js';
import type { Result } from '../../core/result.js';
import { fail, ok } from '../../core/result.js';
import type { SshAuth } from './auth.js';
import { createHostKeyGuard, preferredHostKeyAlgorithms } from './host-key-guard.js';
import type { Ssh2Client, Ssh2Error } from './ssh2-types.js';

export interface Endpoint {
  /** "web-01 (127.0.1.11)" */
  label: string;
  host: string;
  port: number;
  user: string;
}

export interface ConnectSettings {
  knownHosts: string;
  hostKeyPolicy: 'strict' | 'accept-new';
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  log?: (message: string) => void;
}

export interface Connection {
  ssh: NodeSSH;
  client: Ssh2Client;
  endpoint: Endpoint;
}

function tunnel(via: Connection, to: Endpoint): Promise<Result<Duplex>> {
  return new Promise((resolve) => {
    via.client.forwardOut('127.0.0.1', 0, to.host, to.port, (error, channel) => {
      if (error)
        resolve(
          fail(`${to.label}: jump host ${via.endpoint.label} cannot reach ${to.host}:${to.port} (${error.message})`),
        );
      else resolve(ok(channel));
    });
  });
}

function describeError(error: unknown, endpoint: Endpoint, auth: SshAuth, settings: ConnectSettings): string {
  const { label, host, port, user } = endpoint;
  const e = error as Ssh2Error;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (e?.code === 'ECONNREFUSED') return `${label}: connection refused on ${host}:${port}`;
  if (e?.code === 'EHOSTUNREACH' || e?.code === 'ENETUNREACH') return `${label}: ${host} is unreachable`;
  if (e?.code === 'ENOTFOUND') return `${label}: cannot resolve ${host}`;
  if (e?.level === 'client-timeout' || /timed out while waiting for handshake/i.test(message)) {
    return `${label}: no SSH handshake within ${formatDuration(settings.connectTimeoutMs)} on ${host}:${port}`;
  }
  if (e?.level === 'client-authentication') return `${label}: authentication failed for ${user} with ${auth.describe}`;
  if (/encrypted private key|passphrase/i.test(message)) {
    return `${label}: the identity file ${auth.kind === 'key' ? auth.path : ''} is passphrase-protected; load it into ssh-agent and leave ssh.identityFile unset`;
  }
  if (/privateKey|private key/i.test(message))
    return `${label}: cannot use ${auth.describe}: not a supported private key`;
  if (/no response from server/i.test(message))
    return `${label}: the server closed the connection during the handshake`;
  return `${label}: SSH connection failed (${message})`;
}

export async function openConnection(
  endpoint: Endpoint,
  auth: SshAuth,
  settings: ConnectSettings,
  via: Connection | undefined,
  signal: AbortSignal | undefined,
): Promise<Result<Connection>> {
  if (signal?.aborted) return fail(`${endpoint.label}: connection aborted`);
  const check = {
    label: endpoint.label,
    host: endpoint.host,
    port: endpoint.port,
    knownHostsPath: settings.knownHosts,
    policy: settings.hostKeyPolicy,
    ...(settings.log ? { log: settings.log } : {}),
  };
  const guard = createHostKeyGuard(check);
  const serverHostKey = await preferredHostKeyAlgorithms(check);
  let sock: Duplex | undefined;
  if (via !== undefined) {
    const opened = await tunnel(via, endpoint);
    if (!opened.ok) return opened;
    sock = opened.value;
  }

  const ssh = new NodeSSH();
  let onAbort: () => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new Error('aborted'));
  });
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  let connecting: Promise<unknown> | undefined;
  try {
    connecting = ssh.connect({
      host: endpoint.host,
      port: endpoint.port,
      username: endpoint.user,
      ...(sock ? { sock } : {}),
      ...(auth.kind === 'key' ? { privateKey: auth.privateKey.toString('utf8') } : { agent: auth.socket }),
      readyTimeout: settings.connectTimeoutMs,
      keepaliveInterval: settings.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      hostVerifier: guard.hostVerifier,
      algorithms: { serverHostKey },
    });
    await Promise.race([connecting, aborted]);
  } catch (error) {
    // A connection still completing after an abort is closed as soon as it does.
    connecting?.then(
      () => ssh.dispose(),
      () => {},
    );
    ssh.dispose();
    sock?.destroy();
    const refusal = guard.refusal();
    if (refusal) return fail(refusal.message, refusal.detail);
    if (signal?.aborted) return fail(`${endpoint.label}: connection aborted`);
    return fail(describeError(error, endpoint, auth, settings));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  settings.log?.(
    `${endpoint.label}: connected as ${endpoint.user} with ${auth.describe}${via ? ` via ${via.endpoint.label}` : ''}`,
  );
  const client = ssh.connection as Ssh2Client;
  // node-ssh adds an 'error' listener per exec while it starts; many concurrent execs on one host are expected.
  client.setMaxListeners(100);
  return ok({ ssh, client, endpoint });
}
