/**
 * The e2e project: Playwright (playwright-core) drives Chromium against the browser twin.
 * Run it with `npm run test:e2e` (test/e2e/run.js), which finds Chromium and builds the
 * renderer first.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'e2e',
    root: import.meta.dirname + '/../..',
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
