/** HAProxy behind the `LoadBalancers` port: one stateless client per inventory load balancer. */
import type { LoadBalancers } from '../../engine/index.js';
import { createHaproxyLoadBalancer } from './haproxy-load-balancer.js';
import type { HaproxyOptions } from './haproxy-load-balancer.js';

export { createHaproxyLoadBalancer, DEFAULT_COMMAND_TIMEOUT_MS } from './haproxy-load-balancer.js';
export type { HaproxyOptions } from './haproxy-load-balancer.js';
export { sendCommand, describeEndpoint } from './runtime-api.js';

export function createLoadBalancers(options: HaproxyOptions = {}): LoadBalancers {
  return { get: (target) => createHaproxyLoadBalancer(target, options) };
}
