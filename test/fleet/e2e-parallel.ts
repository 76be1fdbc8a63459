/**
 * How many e2e files run at once: one per fleet. Read by vitest.config.ts
 * (how many workers) and the e2e global setup (how many fleets). A reused
 * fleet (LIEUTENANT_FLEET_DIR) is one fleet, so its files run one at a time;
 * LIEUTENANT_E2E_FLEETS=1 does the same on a machine short of memory.
 */
export const DEFAULT_E2E_FLEETS = 2;

export function e2eFleetCount(env: NodeJS.ProcessEnv = process.env): number {
  if (env.LIEUTENANT_FLEET_DIR) return 1;
  const asked = Number(env.LIEUTENANT_E2E_FLEETS ?? DEFAULT_E2E_FLEETS);
  return Number.isInteger(asked) && asked >= 1 && asked <= 2 ? asked : DEFAULT_E2E_FLEETS;
}
