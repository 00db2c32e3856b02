// Traces reach an OTLP receiver: a real HTTP server on 127.0.0.1 stands in for Jaeger's OTLP/HTTP port (no Docker
// engine runs here). The CLI exports when OTEL_EXPORTER_OTLP_ENDPOINT is set; ingest spans are per batch, not per
// record, and the text backend's choice carries its measured figures.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type ReceivedSpan, type Receiver } from './otlp-receiver.js';
import { gzipRecords, httpResponse, responseRecord, tempDir } from '../warc/fixtures.js';

const ROOT = join(__dirname, '..', '..', '..');
const tmp = tempDir('archivestream-otlp-');
const PAGES = 60;
const warc = tmp.write(
  'pages.warc.gz',
  gzipRecords(
    Array.from({ length: PAGES }, (_, i) =>
      responseRecord(`http://example.com/page/${i}`, httpResponse(200, [['Content-Type', 'text/html; charset=utf-8']], `<title>Page ${i}</title><p>word${i} shared text</p>`)),
    ),
  ),
);

let receiver: Receiver;
let endpoint = '';
let received: ReceivedSpan[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
  endpoint = receiver.endpoint;
  received = receiver.spans;
});
afterAll(async () => {
  await receiver.close();
  tmp.cleanup();
});

function cli(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/archivestream.mjs'), ...args], {
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
      stdio: 'ignore',
    });
    child.on('exit', (code) => resolve(code ?? -1));
  });
}


describe('OTLP export', () => {
  it('exports the ingest as a command span and one span per written batch', async () => {
    expect(await cli(['index', join(tmp.dir, 'c.sqlite'), warc, '--json', '--workers', '1'])).toBe(0);
    const names = received.map((s) => s.name);
    expect(names).toContain('cli.index');
    const batches = received.filter((s) => s.name === 'store.writeBatch');
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.length).toBeLessThan(PAGES); // per batch, not per record
  });

  it('records the text backend choice with its figure', async () => {
    received.splice(0);
    expect(await cli(['text', warc, '--backend', 'cpu', '--json'])).toBe(0);
    const choose = received.find((s) => s.name === 'extract.choose-backend');
    expect(choose).toBeDefined();
    expect(choose!.attributes.choice).toBe('cpu');
    expect(choose!.attributes.cpuMBps).toBeGreaterThan(0);
  });
});
