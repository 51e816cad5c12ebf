import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['./test/helpers/hermetic-home-global.ts'],
    setupFiles: ['./test/helpers/hermetic-home.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Real processes and sockets: two workers on two cores keep timings honest.
    maxWorkers: 2,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
