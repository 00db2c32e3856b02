import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // bench/: the benchmarks' tests of their own parts (input, ceilings, harness), so that their figures stay right.
    include: ['test/**/*.test.ts', 'bench/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
