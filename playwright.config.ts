import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions, electronSetup } from './test/e2e/support.js';

// The list reporter shows skipped tests without their reason; say it once, from the runner (not from each worker).
const { skipReason } = electronSetup();
if (skipReason && process.env.TEST_WORKER_INDEX === undefined) console.log(`Electron end-to-end tests skipped: ${skipReason}`);

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
