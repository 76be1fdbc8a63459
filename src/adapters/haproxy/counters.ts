/**
 * Traffic counters of a backend's servers from `show stat BACKEND 4 -1`, for
 * the analysis between batches: responses by class, connection and response
 * errors, and `rtime` (HAProxy's average response time over the server's
 * last 1024 requests, in ms). Counters are cumulative since HAProxy started;
 * the analysis takes deltas.
 */
import { fail, ok, type Result } from '../../core/result.js';
import type { HaproxyTarget } from '../../spec/model.js';
import { HAPROXY_NAME } from '../../spec/names.js';
import { parseShowStat, type Row } from './answers.js';
import { runtimeError } from './runtime-api.js';
import type { RuntimeClient } from './runtime-client.js';

export interface ServerCounters {
  /** Every HTTP response (hrsp_1xx … hrsp_5xx, hrsp_other). */
  responses: number;
  http5xx: number;
  /** econ + eresp: connections that failed, and responses that broke off. */
  connectionErrors: number;
  /** Not a counter: the recent average response time, ms. */
  rtimeMs: number;
}

const RESPONSE_FIELDS = ['hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx', 'hrsp_other'] as const;

/** server name → counters, for every server of the target's backend. */
export async function readCounters(
  target: HaproxyTarget,
  client: RuntimeClient,
  signal?: AbortSignal,
): Promise<Result<Map<string, ServerCounters>>> {
  if (!HAPROXY_NAME.test(target.backend)) return fail(`${target.name}: "${target.backend}" is not a backend name`);
  const command = `show stat ${target.backend} 4 -1`;
  const answer = await client.send(command, signal);
  if (!answer.ok) return answer;
  const rows = parseShowStat(answer.value);
  if (!rows) {
    const reason = runtimeError(answer.value) ?? answer.value.trim().split('\n', 1)[0] ?? '';
    return fail(`${target.name}: HAProxy refused "${command}": ${reason}`);
  }
  return ok(countersOf(rows, target.backend));
}

export function countersOf(rows: readonly Row[], backend: string): Map<string, ServerCounters> {
  const servers = new Map<string, ServerCounters>();
  for (const row of rows) {
    const server = row['svname'] ?? '';
    if (row['pxname'] !== backend || server === 'FRONTEND' || server === 'BACKEND') continue;
    const number = (field: string) => Number(row[field] || 0) || 0;
    servers.set(server, {
      responses: RESPONSE_FIELDS.reduce((sum, field) => sum + number(field), 0),
      http5xx: number('hrsp_5xx'),
      connectionErrors: number('econ') + number('eresp'),
      rtimeMs: number('rtime'),
    });
  }
  return servers;
}
