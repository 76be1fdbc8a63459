import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests (pure logic, real temporary git repos), and
// end-to-end tests that need the real local fleet (sshd, HAProxy, apt) — see
// test/fleet/README.md. `npm test` runs both; `npm run test:unit` the fast ones.
export default defineConfig({
  test: {
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
          // One fleet, shared by every end-to-end file: they run one after another.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
