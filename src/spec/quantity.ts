/**
 * A number of hosts written as a count (`1`) or a share of a group (`"25%"`).
 * Batch sizes round a share up; `maxUnavailable` rounds it down but never
 * below 1 (docs/rollout-repo.md): five hosts in ["50%", "50%"] are batches of 3 and 2,
 * with at most 2 out of rotation at once.
 */
export type Quantity = { kind: 'count'; count: number } | { kind: 'percent'; percent: number };

/** 1% to 100%: "0%" and "150%" are not shares of a group. */
export const PERCENT_PATTERN = /^(100|[1-9][0-9]?)%$/;

export function parseQuantity(value: number | string): Quantity | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 1 ? { kind: 'count', count: value } : undefined;
  }
  const match = PERCENT_PATTERN.exec(value);
  if (!match) return undefined;
  const percent = Number(match[1]);
  return percent >= 1 && percent <= 100 ? { kind: 'percent', percent } : undefined;
}

export function batchSize(quantity: Quantity, groupSize: number): number {
  return quantity.kind === 'count' ? quantity.count : Math.ceil((quantity.percent * groupSize) / 100);
}

export function maxUnavailableOf(quantity: Quantity, groupSize: number): number {
  const raw = quantity.kind === 'count' ? quantity.count : Math.floor((quantity.percent * groupSize) / 100);
  return Math.max(1, Math.min(raw, Math.max(groupSize, 1)));
}

export function formatQuantity(quantity: Quantity): string {
  return quantity.kind === 'count' ? String(quantity.count) : `${quantity.percent}%`;
}
