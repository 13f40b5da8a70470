// Unit tests sit beside the code; integration and browser tests live in test/. One throwaway
// database server per run (test/support/global-setup.ts), one fresh database per test file.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'widgets/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules', 'dist', 'data'],
    globalSetup: ['test/support/global-setup.ts'],
    // Each file runs in its own process: ltijs and mongoose hold process-wide state.
    pool: 'forks',
    isolate: true,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: more workers only fight over them.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // In CI also a JSON report, from which .ci/run prints the plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
  },
});
