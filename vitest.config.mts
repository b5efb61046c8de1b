import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/infra/global-setup.mjs'],
          testTimeout: 60000,
          hookTimeout: 120000,
          // Real services on 2 cores: one file at a time keeps timings honest.
          fileParallelism: false,
        },
      },
    ],
  },
});
