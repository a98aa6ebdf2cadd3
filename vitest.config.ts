import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          // Memory tests call gc() before sampling so they measure retained memory, not garbage.
          execArgv: ['--expose-gc'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // One Chromium at a time on a 2-core machine.
          fileParallelism: false,
        },
      },
      // Browser benchmarks (numbers, not pass/fail): only with `npm run bench:ui`.
      ...(process.env.KILN_BENCH_UI
        ? [{ test: { name: 'bench-ui', include: ['test/bench-ui/**/*.bench-ui.ts'], environment: 'node', testTimeout: 600_000, hookTimeout: 120_000, fileParallelism: false } }]
        : []),
    ],
  },
});
