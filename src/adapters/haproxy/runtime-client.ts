/**
 * One runtime-API client per HAProxy socket, shared by every host of a run.
 *
 * HAProxy serves a `stats socket` line without `maxconn` 10 connections at
 * once; the next ones wait in a short kernel queue, then fail with EAGAIN.
 * So commands wait here for one of `maxConnections` connections (default 3,
 * leaving room for monitoring and operators), and a transient failure (EAGAIN,
 * ECONNREFUSED or a reset during a reload, a short read, a silent socket) is
 * tried again with bounded, jittered backoff. Only a failure that outlasts the
 * deadline — counted from when the command was submitted, queueing included —
 * is returned, saying what the socket answered and what to change. Every
 * command we send is idempotent (`show …`, `set server … state`), so trying
 * again is safe even when a lost answer hid a success.
 */
import { fail } from '../../core/result.js';
import type { Result } from '../../core/result.js';
import { formatDuration } from '../../spec/duration.js';
import { describeEndpoint, sendCommand } from './runtime-api.js';
import type { AttemptFailure, RuntimeEndpoint, SshDialer } from './runtime-api.js';

export const DEFAULT_MAX_CONNECTIONS = 3;
/** One attempt: connect, send, read the whole answer. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 5_000;
/** From submission to the last attempt: long enough to ride out a reload, short enough to fail a host promptly. */
export const DEFAULT_RETRY_DEADLINE_MS = 10_000;
/** Backoff before attempt n+1: FIRST · 2^(n-1), capped, then jittered to 50–100 % of that. */
export const BACKOFF_FIRST_MS = 50;
export const BACKOFF_MAX_MS = 1_000;

export interface RuntimeClientOptions {
  /** The inventory's load balancer name, for messages. */
  name: string;
  maxConnections?: number;
  attemptTimeoutMs?: number;
  deadlineMs?: number;
  backoff?: { firstMs: number; maxMs: number };
  /** How `ssh://` sockets are reached: one SSH connection per load balancer host, a channel per command. */
  dialSsh?: SshDialer;
}

/** What a run cost the socket, for the log and the bench. */
export interface RuntimeUsage {
  /** Commands asked for (each counts once, however many attempts it took). */
  commands: number;
  /** Connections opened: one per attempt. */
  connections: number;
  /** Attempts after a transient failure. */
  retries: number;
  /** Commands that failed for good. */
  failures: number;
  /** Most connections open at once; never above maxConnections. */
  peakConnections: number;
}

export interface RuntimeClient {
  readonly name: string;
  readonly endpoint: RuntimeEndpoint;
  readonly maxConnections: number;
  send(command: string, signal?: AbortSignal): Promise<Result<string>>;
  usage(): RuntimeUsage;
}

interface Waiter {
  wake(): void;
}

export function createRuntimeClient(endpoint: RuntimeEndpoint, options: RuntimeClientOptions): RuntimeClient {
  const { name } = options;
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const deadlineMs = options.deadlineMs ?? DEFAULT_RETRY_DEADLINE_MS;
  const backoff = options.backoff ?? { firstMs: BACKOFF_FIRST_MS, maxMs: BACKOFF_MAX_MS };
  const where = `${name}: HAProxy runtime API at ${describeEndpoint(endpoint)}`;
  const usage: RuntimeUsage = { commands: 0, connections: 0, retries: 0, failures: 0, peakConnections: 0 };
  let open = 0;
  const queue: Waiter[] = [];
  let lastFailure: AttemptFailure | undefined;

  /** Waits (FIFO) for a free connection; false when the deadline passes or the signal aborts first. */
  function acquire(deadline: number, signal?: AbortSignal): Promise<boolean> {
    if (open < maxConnections && queue.length === 0) {
      open++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const give = (granted: boolean): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        resolve(granted);
      };
      // release() hands its connection over directly, so `open` stays counted.
      const waiter: Waiter = { wake: () => give(true) };
      const onAbort = (): void => give(false);
      const timer = setTimeout(() => give(false), Math.max(0, deadline - Date.now()));
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
    });
  }

  function release(): void {
    const next = queue.shift();
    if (next) next.wake();
    else open--;
  }

  async function attempt(command: string, signal?: AbortSignal) {
    usage.connections++;
    usage.peakConnections = Math.max(usage.peakConnections, open);
    try {
      return await sendCommand(endpoint, command, {
        name,
        timeoutMs: attemptTimeoutMs,
        ...(signal ? { signal } : {}),
        ...(options.dialSsh ? { dialSsh: options.dialSsh } : {}),
      });
    } finally {
      release();
    }
  }

  async function send(command: string, signal?: AbortSignal): Promise<Result<string>> {
    usage.commands++;
    const started = Date.now();
    const deadline = started + deadlineMs;
    for (let attempts = 1; ; attempts++) {
      if (!(await acquire(deadline, signal))) {
        usage.failures++;
        if (signal?.aborted) return fail(`${where}: aborted before "${command}"`);
        return fail(
          `${where}: "${command}" waited ${formatDuration(deadlineMs)} for one of its ${maxConnections} connections ` +
            `(loadBalancers.${name}.maxConnections) without getting one${lastFailure ? `; the commands ahead kept failing: ${lastFailure.message}` : ''}`,
        );
      }
      const result = await attempt(command, signal);
      if (result.ok) return result;
      const failure = result.error;
      if (!failure.transient) {
        usage.failures++;
        return fail(failure.message, failure.detail);
      }
      lastFailure = failure;
      const left = deadline - Date.now();
      if (left <= 0) {
        usage.failures++;
        return fail(
          `${failure.message} — still so after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${((Date.now() - started) / 1000).toFixed(1)} s. ${advice(failure, name, maxConnections, attemptTimeoutMs)}`,
          failure.detail,
        );
      }
      usage.retries++;
      // The last wait is cut short so that one attempt lands at the deadline itself.
      const wait = Math.min(left, jittered(Math.min(backoff.maxMs, backoff.firstMs * 2 ** (attempts - 1))));
      if (!(await sleep(wait, signal))) {
        usage.failures++;
        return fail(`${where}: aborted while retrying "${command}" after: ${failure.message}`);
      }
    }
  }

  return { name, endpoint, maxConnections, send, usage: () => ({ ...usage }) };
}

/** What the operator can change, for each way a socket keeps failing. */
function advice(failure: AttemptFailure, name: string, maxConnections: number, attemptTimeoutMs: number): string {
  switch (failure.cause) {
    case 'EAGAIN':
    case 'EWOULDBLOCK':
      return (
        `Lieutenant opens at most ${maxConnections} at once (loadBalancers.${name}.maxConnections), so other clients ` +
        `of this socket hold the rest: raise its limit with "stats socket … maxconn 50" in haproxy.cfg ` +
        `(without maxconn HAProxy serves 10), or lower maxConnections.`
      );
    case 'ECONNREFUSED':
      return 'Is HAProxy running? A reload does not take this long; check its service and its "stats socket" line.';
    case 'streamlocal-connect':
      return 'Is HAProxy running on that host, with its "stats socket" at this path, and may this SSH user open it?';
    case 'timeout':
      return `HAProxy accepted but did not answer within ${attemptTimeoutMs} ms each time: is it overloaded or stuck?`;
    default:
      return 'HAProxy kept closing the connection: is it restarting in a loop, or is another program listening on this socket?';
  }
}

/** 50–100 % of `ms`: many hosts failing together must not retry in lockstep. */
function jittered(ms: number): number {
  return Math.round(ms * (0.5 + Math.random() * 0.5));
}

/** Resolves true after `ms`, false at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (slept: boolean): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(slept);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
