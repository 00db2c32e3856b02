// Finding and launching the Chromium that hosts the GPU extraction page (headless, via playwright-core).
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export type GpuBackendErrorCode =
  | 'gpu-page-unavailable'
  | 'playwright-unavailable'
  | 'chromium-not-found'
  | 'chromium-launch-failed'
  | 'webgl2-unavailable'
  | 'no-gpu-extractor'; // no client offers a GPU extractor to the engine (src/engine/remote-extract.ts)

/** Why the GPU backend cannot run here; the message says what to do. */
export class GpuBackendError extends Error {
  constructor(
    readonly code: GpuBackendErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GpuBackendError';
  }
}

/** Loads playwright-core, which drives Chromium: a dependency, but loaded only when the GPU backend starts, so that
 *  other commands do not pay for it. Injectable so that a test can make it fail as an install without it would. */
export type PlaywrightLoader = () => Promise<typeof import('playwright-core')>;

const importPlaywright: PlaywrightLoader = () => import('playwright-core');

export interface LaunchOptions {
  /** Overrides ARCHIVESTREAM_CHROMIUM and the default paths. */
  executablePath?: string;
  /** Default: import('playwright-core'). */
  loadPlaywright?: PlaywrightLoader;
  /** Use the machine's GPU (ANGLE's default backend) instead of SwiftShader, for bench/gpu-real.sh. */
  hardwareGl?: boolean;
  headless?: boolean;
}

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** ARCHIVESTREAM_CHROMIUM, else Debian's /usr/bin/chromium, else Playwright's own build if one is installed. */
export async function findChromium(explicit?: string, loadPlaywright = importPlaywright): Promise<string> {
  const fromEnv = explicit ?? process.env.ARCHIVESTREAM_CHROMIUM;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new GpuBackendError('chromium-not-found', `Chromium not found at ${fromEnv} (ARCHIVESTREAM_CHROMIUM)`);
  }
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  try {
    const { chromium } = await loadPlaywright();
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // playwright-core is missing or knows no build of its own here: fall through to the message below
  }
  throw new GpuBackendError(
    'chromium-not-found',
    'the GPU text backend needs Chromium: apt-get install chromium (or set ARCHIVESTREAM_CHROMIUM to a Chrome/Chromium binary)',
  );
}

/** Software WebGL2 (SwiftShader through ANGLE) unless hardwareGl; the rest keeps a headless run quiet and offline. */
export function chromiumArgs(opts: LaunchOptions = {}): string[] {
  const args = opts.hardwareGl
    ? ['--ignore-gpu-blocklist', '--enable-gpu', '--use-angle=default']
    : ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
  args.push('--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync');
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return args;
}

export async function launchChromium(opts: LaunchOptions = {}): Promise<Browser> {
  // Loaded before Chromium is looked for: without it no Chromium can be driven, so that is the error to report.
  const playwright = await (opts.loadPlaywright ?? importPlaywright)().catch((e: Error) => {
    throw new GpuBackendError(
      'playwright-unavailable',
      `cannot load playwright-core, which starts Chromium (reinstall archivestream with its dependencies): ${e.message.split('\n')[0]}`,
    );
  });
  const executablePath = await findChromium(opts.executablePath, async () => playwright);
  const { chromium } = playwright;
  try {
    return await chromium.launch({ executablePath, headless: opts.headless ?? true, args: chromiumArgs(opts) });
  } catch (e) {
    throw new GpuBackendError('chromium-launch-failed', `cannot launch ${executablePath}: ${(e as Error).message.split('\n')[0]}`);
  }
}
