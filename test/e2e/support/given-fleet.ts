/** Each e2e test starts from known ground: the shared fleet, every host on demo 1.0 and UP. */
import { inject } from 'vitest';
import { readFleet, resetFleet } from '../../fleet/fleet.js';
import type { Fleet } from '../../fleet/fleet.js';

export async function freshFleet(): Promise<Fleet> {
  const dir = inject('fleetDir');
  const found = await readFleet(dir);
  if (!found) throw new Error(`no fleet running in ${dir} (the e2e global setup starts one)`);
  return resetFleet(found);
}

export const hostNames = (fleet: Fleet): string[] => fleet.hosts.map((host) => host.name);

export const allUp = (hosts: readonly string[]): Record<string, string> => Object.fromEntries(hosts.map((host) => [host, 'UP']));
