/**
 * The `LoadBalancer` port over HAProxy's runtime API. Reads combine
 * `show stat` (status, sessions) with `show servers state` (admin state, see
 * answers.ts for why), and concurrent reads share one (coalesced-read.ts);
 * writes are `set server BACKEND/SERVER state X`, whose only good answer is an
 * empty one. Every command goes through the load balancer's one
 * `RuntimeClient` (bounded connections, retries).
 */
import type { AdminState, LoadBalancer, ServerStatus } from '../../engine/index.js';
import { fail, ok, okVoid } from '../../core/result.js';
import type { Result } from '../../core/result.js';
import type { HaproxyTarget } from '../../spec/model.js';
import { HAPROXY_NAME } from '../../spec/names.js';
import { adminStateFromBits, parseServersState, parseShowInfo, parseShowStat } from './answers.js';
import { coalescedRead } from './coalesced-read.js';
import { describeEndpoint, runtimeError } from './runtime-api.js';
import type { RuntimeClient } from './runtime-client.js';

/** Reads of many hosts within this long share one `show stat`; a quarter of the engine's 100 ms poll. */
export const DEFAULT_READ_TICK_MS = 25;

/** Rows of `show stat` that are not servers. */
const AGGREGATES = new Set(['FRONTEND', 'BACKEND']);

export function createHaproxyLoadBalancer(
  target: HaproxyTarget,
  client: RuntimeClient,
  readTickMs = DEFAULT_READ_TICK_MS,
): LoadBalancer {
  const { name, backend } = target;

  const run = (command: string, signal?: AbortSignal) => client.send(command, signal);

  const badName = (kind: string, value: string): Result<never> | undefined =>
    HAPROXY_NAME.test(value)
      ? undefined
      : fail(`${name}: ${JSON.stringify(value)} is not a valid HAProxy ${kind} name`);

  const refused = (command: string, answer: string): Result<never> => {
    const reason = runtimeError(answer) ?? answer.trim().split('\n', 1)[0] ?? '';
    if (/^(No such (backend|proxy)|Can't find backend)/i.test(reason)) {
      return fail(`${name}: HAProxy has no backend "${backend}"`, reason);
    }
    return fail(`${name}: HAProxy refused "${command}": ${reason}`, answer.trim());
  };

  /** server → srv_admin_state bits. */
  async function adminBits(signal?: AbortSignal): Promise<Result<Map<string, number>>> {
    const invalid = badName('backend', backend);
    if (invalid) return invalid;
    const command = `show servers state ${backend}`;
    const answer = await run(command, signal);
    if (!answer.ok) return answer;
    const rows = parseServersState(answer.value);
    if (!rows) return refused(command, answer.value);
    return ok(new Map(rows.map((row) => [row['srv_name'] ?? '', Number(row['srv_admin_state'])])));
  }

  async function stats(signal?: AbortSignal): Promise<Result<Map<string, { status: string; sessions: number }>>> {
    const invalid = badName('backend', backend);
    if (invalid) return invalid;
    // Type 4 = servers only; -1 = every server of that backend.
    const command = `show stat ${backend} 4 -1`;
    const answer = await run(command, signal);
    if (!answer.ok) return answer;
    const rows = parseShowStat(answer.value);
    if (!rows) return refused(command, answer.value);
    const servers = new Map<string, { status: string; sessions: number }>();
    for (const row of rows) {
      const server = row['svname'] ?? '';
      if (row['pxname'] !== backend || AGGREGATES.has(server)) continue;
      servers.set(server, { status: row['status'] ?? '', sessions: Number(row['scur'] || 0) });
    }
    return ok(servers);
  }

  async function readStatuses(signal?: AbortSignal): Promise<Result<Map<string, ServerStatus>>> {
    const [stat, admin] = await Promise.all([stats(signal), adminBits(signal)]);
    if (!stat.ok) return stat;
    if (!admin.ok) return admin;
    const result = new Map<string, ServerStatus>();
    for (const [server, { status, sessions }] of stat.value) {
      const bits = admin.value.get(server);
      // A server added between the two reads has no bits yet; its status is the best we know.
      const adminState = bits === undefined || Number.isNaN(bits) ? adminFromStatus(status) : adminStateFromBits(bits);
      result.set(server, { status, adminState, sessions });
    }
    return ok(result);
  }

  const statuses = coalescedRead(readStatuses, readTickMs, () =>
    fail(`${name}: HAProxy runtime API at ${describeEndpoint(target.endpoint)}: aborted while reading "${backend}"`),
  );

  return {
    name,

    async info(signal) {
      const answer = await run('show info', signal);
      if (!answer.ok) return answer;
      const info = parseShowInfo(answer.value);
      if (!info) return refused('show info', answer.value);
      // Before HAProxy 2.5 there is no Start_time_sec: derived from the uptime, it may move by a second between reads.
      const startedAtSec = info.startTimeSec ?? Math.round(Date.now() / 1000) - info.uptimeSec;
      return ok({ pid: info.pid, startedAtMs: startedAtSec * 1000, uptimeSec: info.uptimeSec, version: info.version });
    },

    async verify(servers, signal) {
      for (const server of servers) {
        const invalid = badName('server', server);
        if (invalid) return invalid;
      }
      const admin = await adminBits(signal);
      if (!admin.ok) return admin;
      const unknown = servers.filter((server) => !admin.value.has(server));
      if (unknown.length === 0) return okVoid;
      return fail(
        `${name}: backend "${backend}" has no server ${unknown.map((server) => `"${server}"`).join(', ')}`,
        `servers in "${backend}": ${[...admin.value.keys()].join(', ') || 'none'}`,
      );
    },

    async status(server, signal) {
      const invalid = badName('server', server);
      if (invalid) return invalid;
      const all = await statuses(signal);
      if (!all.ok) return all;
      const found = all.value.get(server);
      return found ? ok(found) : fail(`${name}: backend "${backend}" has no server "${server}"`);
    },

    statuses,

    async setState(server, state, signal) {
      const invalid = badName('server', server) ?? badName('backend', backend);
      if (invalid) return invalid;
      const command = `set server ${backend}/${server} state ${state}`;
      const answer = await run(command, signal);
      if (!answer.ok) return answer;
      const text = answer.value.trim();
      if (text === '') return okVoid;
      if (/^No such server/i.test(text)) return fail(`${name}: backend "${backend}" has no server "${server}"`, text);
      return refused(command, answer.value);
    },
  };
}

/** Fallback only (see answers.ts): MAINT and DRAIN show only while the server is otherwise up. */
function adminFromStatus(status: string): AdminState {
  if (status.startsWith('MAINT')) return 'maint';
  if (status.startsWith('DRAIN')) return 'drain';
  return 'ready';
}
