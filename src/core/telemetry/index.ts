// Spans around every stage (ingest batches, SQL, extraction backends). The API is a no-op until startTelemetry()
// installs an SDK, so library code traces unconditionally and costs nothing in tests or when tracing is off.
import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';

const tracer = trace.getTracer('archivestream');

/** Runs fn inside a span named `name`; works for sync and async fn, records a thrown error on the span. */
export function withSpan<T>(name: string, attrs: Attributes, fn: () => T): T {
  return tracer.startActiveSpan(name, { attributes: attrs }, (span) => {
    const fail = (e: unknown) => {
      span.recordException(e instanceof Error ? e : String(e));
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
      span.end();
    };
    try {
      const out = fn();
      if (out instanceof Promise) {
        return out.then(
          (v) => {
            span.end();
            return v;
          },
          (e: unknown) => {
            fail(e);
            throw e;
          },
        ) as T;
      }
      span.end();
      return out;
    } catch (e) {
      fail(e);
      throw e;
    }
  });
}

/** Attributes added to the active span (e.g. figures known only at the end of a stage). */
export function annotate(attrs: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attrs);
}
