// Trace context handed across a process or thread boundary as a W3C traceparent (telemetry/index.ts writes and reads
// it itself, without @opentelemetry/core): what one side writes, the other continues; a malformed one starts a trace
// of its own; an unsampled one records nothing.
import { afterAll, describe, expect, it } from 'vitest';
import { currentTraceparent, openSpan, tracing, withSpan, withTraceparent } from '../../../src/core/telemetry/index.js';
import { startTelemetry } from '../../../src/core/telemetry/sdk.js';

const telemetry = startTelemetry({ process: 'engine', env: {} });
afterAll(() => telemetry.shutdown());
const stored = (name: string) => telemetry.store.recent().filter((s) => s.name === name);

describe('traceparent', () => {
  it('names the active span, sampled, and the other side continues that trace under it', () => {
    const handed = withSpan('side.a', {}, () => currentTraceparent());
    const [a] = stored('side.a');
    expect(handed).toBe(`00-${a.traceId}-${a.spanId}-01`);
    withTraceparent(handed, () => withSpan('side.b', {}, () => {}));
    const [b] = stored('side.b');
    expect(b).toMatchObject({ traceId: a.traceId, parentSpanId: a.spanId });
  });

  it('an open span hands over its own context', () => {
    const file = openSpan('side.file', {});
    withTraceparent(file.traceparent, () => withSpan('side.batch', {}, () => {}));
    file.end();
    const [f] = stored('side.file');
    expect(stored('side.batch')[0]).toMatchObject({ traceId: f.traceId, parentSpanId: f.spanId });
  });

  it('a malformed one starts a trace of its own, even inside a traced call', () => {
    for (const bad of [
      'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra',
    ]) {
      withSpan('side.outer', {}, () => withTraceparent(bad, () => withSpan('side.orphan', {}, () => {})));
      const outer = stored('side.outer').at(-1)!;
      const orphan = stored('side.orphan').at(-1)!;
      expect(orphan.parentSpanId, bad).toBeNull();
      expect(orphan.traceId, bad).not.toBe(outer.traceId);
    }
  });

  it('a later version is read for its first four fields, whatever follows (W3C Trace Context, versioning)', () => {
    withTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-version-1-adds', () => withSpan('side.v1', {}, () => {}));
    expect(stored('side.v1').at(-1)).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7' });
  });

  it('an unsampled one records nothing under it', () => {
    const before = telemetry.store.stored;
    const sampled = withTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00', () => {
      withSpan('side.unsampled', {}, () => {});
      return tracing();
    });
    expect(sampled).toBe(false);
    expect(telemetry.store.stored).toBe(before);
    expect(withTraceparent(undefined, () => currentTraceparent())).toBeUndefined();
  });
});
