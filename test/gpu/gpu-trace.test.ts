// Issue 17: `archivestream text --backend gpu --trace` records the headless page's work in the CLI's trace. The
// runner's 'gpu.batch' span hands its traceparent into the page with each call; the page returns its stages (upload,
// kernels, readback, finish) as spans under it, and the CLI's store keeps them. Real Chromium (skips without it).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/command.js';
import { text } from '../../src/cli/commands/text.js';
import { withSpan } from '../../src/core/telemetry/index.js';
import { startTelemetry } from '../../src/core/telemetry/sdk.js';
import { toOtlpJson } from '../../src/shared/otlp-json.js';
import { httpResponse, responseRecord } from '../core/warc/fixtures.js';
import { CHROMIUM } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'as-gpu-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!CHROMIUM)('the GPU page in the CLI\'s trace', () => {
  it('puts the page\'s stage spans under the runner\'s gpu.batch, in the command\'s trace', async () => {
    const warc = join(dir, 'pages.warc');
    const page = (i: number) => `<html><title>Page ${i}</title><p>Words of page ${i}, said &amp; done.</p></html>`;
    writeFileSync(warc, Buffer.concat([0, 1, 2].map((i) =>
      responseRecord(`http://example.com/${i}`, httpResponse(200, [['Content-Type', 'text/html']], page(i))))));
    const telemetry = startTelemetry({ process: 'cli', env: {} });
    const lines: string[] = [];
    const io: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false };
    try {
      expect(await withSpan('cli.text', {}, () => text.run([warc, '--backend', 'gpu'], io))).toBe(0);
      expect(lines.join('\n')).toContain('Words of page 2, said & done.');
      const spans = telemetry.store.recent();
      const command = spans.find((s) => s.name === 'cli.text')!;
      const batches = spans.filter((s) => s.name === 'gpu.batch');
      expect(batches.length).toBeGreaterThan(0);
      const stages = spans.filter((s) => s.name.startsWith('gpu.') && s.name !== 'gpu.batch');
      expect(stages.length).toBe(4 * batches.length);
      for (const b of batches) {
        expect(b).toMatchObject({ traceId: command.traceId, process: 'cli' });
        const own = stages.filter((s) => s.parentSpanId === b.spanId);
        expect(own.map((s) => s.name)).toEqual(['gpu.upload', 'gpu.kernels', 'gpu.readback', 'gpu.finish']);
        for (const s of own) {
          expect(s).toMatchObject({ traceId: command.traceId, process: 'gpu-page' });
          // Laid out inside the batch that asked for them (epoch clocks of two processes, which may differ by a little:
          // a few milliseconds of slack; a stage on the page's own time origin would be off by decades).
          expect(s.startMs).toBeGreaterThanOrEqual(b.startMs - 5);
          expect(s.startMs + s.durationMs).toBeLessThanOrEqual(b.startMs + b.durationMs + 5);
        }
        expect(own.reduce((n, s) => n + Number(s.attributes.chars), 0)).toBeGreaterThan(0);
      }
      // The --trace file: the page is a process (resource) of its own in the OTLP/JSON.
      const services = toOtlpJson(spans).resourceSpans.map((r) => JSON.stringify(r.resource.attributes));
      expect(services.filter((r) => r.includes('archivestream-gpu-page'))).toHaveLength(1);
    } finally {
      await telemetry.shutdown();
    }
  }, 180_000);
});
