import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/e2e/support.js';

// End-to-end tests drive Debian's Chromium (never a downloaded one) against the real engine in browser mode.
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  use: {
    launchOptions: chromiumLaunchOptions(),
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
