/**
 * HAProxy behind the `LoadBalancers` port: one client per inventory load
 * balancer for the whole run (runtime-client.ts), however many hosts ask.
 */
import type { LoadBalancer, LoadBalancers } from '../../engine/index.js';
import type { Result } from '../../core/result.js';
import { readCounters, type ServerCounters } from './counters.js';
import type { HaproxyTarget } from '../../spec/model.js';
import { createHaproxyLoadBalancer } from './haproxy-load-balancer.js';
import { describeEndpoint } from './runtime-api.js';
import { createRuntimeClient } from './runtime-client.js';
import type { RuntimeClient, RuntimeClientOptions, RuntimeUsage } from './runtime-client.js';

export { createHaproxyLoadBalancer, DEFAULT_READ_TICK_MS } from './haproxy-load-balancer.js';
export { sendCommand, describeEndpoint, failure as attemptFailure } from './runtime-api.js';
export type { SshDialer, AttemptFailure } from './runtime-api.js';
export {
  createRuntimeClient,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  DEFAULT_RETRY_DEADLINE_MS,
} from './runtime-client.js';
export type { RuntimeClient, RuntimeUsage } from './runtime-client.js';
export { countersOf, readCounters, type ServerCounters } from './counters.js';

export interface HaproxyOptions {
  /** Per attempt: connect, send, read the whole answer. */
  attemptTimeoutMs?: number;
  /** How long a command may keep failing transiently (queueing included) before it fails. */
  deadlineMs?: number;
  backoff?: RuntimeClientOptions['backoff'];
  /** Reads closer together than this share one request. */
  readTickMs?: number;
  /** The SSH transport for `ssh://` sockets (adapters/ssh: one connection per load balancer host). */
  dialSsh?: RuntimeClientOptions['dialSsh'];
}

export interface HaproxyLoadBalancers extends LoadBalancers {
  /** What each load balancer's socket served so far, by inventory name. */
  usage(): Record<string, RuntimeUsage>;
  /** Traffic counters of every server of the target's backend, through the same client (analysis). */
  counters(target: HaproxyTarget, signal?: AbortSignal): Promise<Result<Map<string, ServerCounters>>>;
}

export function createLoadBalancers(options: HaproxyOptions = {}): HaproxyLoadBalancers {
  const clients = new Map<string, { client: RuntimeClient; lbs: Map<string, LoadBalancer> }>();
  const { readTickMs, ...clientOptions } = options;
  const entryOf = (target: HaproxyTarget) => {
    // Same name, same socket: the same client (the engine asks once per host).
    const key = `${target.name} ${describeEndpoint(target.endpoint)}`;
    let entry = clients.get(key);
    if (!entry) {
      const client = createRuntimeClient(target.endpoint, {
        ...clientOptions,
        name: target.name,
        maxConnections: target.maxConnections,
      });
      entry = { client, lbs: new Map() };
      clients.set(key, entry);
    }
    return entry;
  };
  return {
    counters: (target, signal) => readCounters(target, entryOf(target).client, signal),
    get(target: HaproxyTarget) {
      const entry = entryOf(target);
      let lb = entry.lbs.get(target.backend);
      if (!lb) {
        lb = createHaproxyLoadBalancer(target, entry.client, readTickMs);
        entry.lbs.set(target.backend, lb);
      }
      return lb;
    },
    usage() {
      const byName: Record<string, RuntimeUsage> = {};
      for (const { client } of clients.values()) {
        const name = client.name;
        const used = client.usage();
        const seen = byName[name];
        // Two sockets under one name only happen in tests; add them up.
        byName[name] = seen
          ? {
              commands: seen.commands + used.commands,
              connections: seen.connections + used.connections,
              retries: seen.retries + used.retries,
              failures: seen.failures + used.failures,
              peakConnections: Math.max(seen.peakConnections, used.peakConnections),
            }
          : used;
      }
      return byName;
    },
  };
}
