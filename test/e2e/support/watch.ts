/** Rotation sampler and traffic generator together, around one run. */
import type { Fleet } from '../../fleet/fleet.js';
import { startRotationSampler, type RotationReport } from './rotation-sampler.js';
import { startTraffic, type TrafficReport } from './traffic.js';

export interface Watched {
  rotation: RotationReport;
  traffic: TrafficReport;
}

export function watchFleet(
  fleet: Fleet,
  servers: readonly string[] = fleet.hosts.map((host) => host.name),
): { stop(): Promise<Watched> } {
  const sampler = startRotationSampler(fleet, servers);
  const traffic = startTraffic(`${fleet.haproxy.frontendUrl}/`);
  return {
    async stop() {
      const [rotation, served] = await Promise.all([sampler.stop(), traffic.stop()]);
      return { rotation, traffic: served };
    },
  };
}

/** One line for assertion messages: what the watchers saw. */
export function describeWatched({ rotation, traffic }: Watched): string {
  const worst = rotation.samples.reduce<Record<string, string>>(
    (most, sample) => (Object.keys(sample.out).length > Object.keys(most).length ? sample.out : most),
    {},
  );
  return (
    `rotation: max ${rotation.maxOut} out (${JSON.stringify(worst)}), ${rotation.samples.length} samples, ${rotation.errors.length} read errors; ` +
    `traffic: ${traffic.ok} ok, ${traffic.failed} failed ${JSON.stringify(traffic.failures)}`
  );
}
