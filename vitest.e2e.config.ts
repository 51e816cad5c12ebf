import { defineConfig } from 'vitest/config';

// End-to-end specs: the built daemon and renderer in real Chromium, one file at a time.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    environment: 'node',
    globalSetup: ['./test/helpers/hermetic-home-global.ts'],
    setupFiles: ['./test/helpers/hermetic-home.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
