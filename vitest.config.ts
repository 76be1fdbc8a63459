import { defineConfig } from 'vitest/config';
import { e2eFleetCount } from './test/fleet/e2e-parallel.js';

// Two projects: fast unit tests (pure logic, real temporary git repos), and
// end-to-end tests that need the real local fleet (sshd, HAProxy, apt) — see
// test/fleet/README.md. `npm test` runs both; `npm run test:unit` the fast ones.
//
// Files run in one pool of workers, one file per worker at a time: as many
// workers as there are e2e fleets (2 by default), so each e2e file has a fleet
// of its own while it runs (test/fleet/e2e-fleet.ts picks it by the worker's
// pool id) and the machine's two cores both work.
const workers = e2eFleetCount();

export default defineConfig({
  test: {
    pool: 'forks',
    poolOptions: { forks: { maxForks: workers, minForks: 1 } },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
          exclude: ['**/*.e2e.test.{ts,tsx}', 'node_modules/**'],
          setupFiles: ['src/testing/listeners-setup.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['src/**/*.e2e.test.{ts,tsx}', 'test/**/*.e2e.test.{ts,tsx}'],
          globalSetup: ['test/fleet/global-setup.ts'],
          setupFiles: ['src/testing/listeners-setup.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          pool: 'forks',
        },
      },
    ],
  },
});
