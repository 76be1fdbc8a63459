/**
 * Splits the hosts that need work into batches. Sizes are shares of the whole
 * group (so "50%" of six hosts is three, whichever of them are converged),
 * taken in order; the last size repeats until every host has a batch.
 */
import { batchSize, type Quantity } from '../spec/quantity.js';

export function splitIntoBatches<T>(hosts: readonly T[], sizes: readonly Quantity[], groupSize: number): T[][] {
  const batches: T[][] = [];
  let next = 0;
  for (let k = 0; next < hosts.length; k++) {
    const quantity = sizes[Math.min(k, sizes.length - 1)];
    if (quantity === undefined) throw new Error('splitIntoBatches: no batch sizes');
    const size = Math.max(1, batchSize(quantity, groupSize));
    batches.push(hosts.slice(next, next + size));
    next += size;
  }
  return batches;
}
