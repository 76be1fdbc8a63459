/** A tcp health check: the host accepts a connection on the port within the timeout. */
import { connect } from 'node:net';
import type { Measurement } from '../../engine/index.js';
import type { HealthCheckTarget, HostTarget } from '../../spec/model.js';
import { formatDuration } from '../../spec/duration.js';

type TcpCheck = Extract<HealthCheckTarget, { kind: 'tcp' }>;

export function measureTcp(
  check: TcpCheck,
  host: Pick<HostTarget, 'address'>,
  signal?: AbortSignal,
): Promise<Measurement> {
  if (signal?.aborted) return Promise.resolve({ phase: 'error', reason: 'aborted' });
  return new Promise((resolve) => {
    let settled = false;
    const socket = connect({ host: host.address, port: check.port });
    const finish = (measurement: Measurement): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(measurement);
    };
    const onAbort = (): void => finish({ phase: 'error', reason: 'aborted' });
    const timer = setTimeout(
      () =>
        finish({
          phase: 'error',
          reason: `connect ${host.address}:${check.port}: no answer within ${formatDuration(check.timeoutMs)}`,
        }),
      check.timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('connect', () => finish({ phase: 'pass', detail: `connected to ${host.address}:${check.port}` }));
    socket.on('error', (error) => finish({ phase: 'error', reason: error.message }));
  });
}
