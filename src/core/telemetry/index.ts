// Spans around every stage (ingest batches, SQL, extraction backends). The API is a no-op until a process installs an
// SDK (sdk.ts: startTelemetry in the engine and CLI, startThreadTelemetry in their worker threads), so library code
// traces unconditionally and costs next to nothing in tests or when tracing is off. This file needs nothing but the
// API (not even @opentelemetry/core's propagator: tracing off loads no more than the API).
// Trace context never travels implicitly between processes or threads: a caller hands `currentTraceparent()` over
// with its message (an HTTP header, an IPC field, a thread message) and the other side runs under `withTraceparent`.
import { context, isSpanContextValid, ROOT_CONTEXT, SpanStatusCode, trace, TraceFlags, type Attributes, type Context } from '@opentelemetry/api';
import { parseTraceparent } from '../../shared/telemetry.js';

const tracer = trace.getTracer('archivestream');

/** A context's span as a W3C traceparent (as @opentelemetry/core's W3CTraceContextPropagator writes it). */
function traceparentOf(ctx: Context): string | undefined {
  const span = trace.getSpanContext(ctx);
  if (!span || !isSpanContextValid(span)) return undefined;
  return `00-${span.traceId}-${span.spanId}-0${(span.traceFlags & TraceFlags.SAMPLED).toString(16)}`;
}

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

/** The active span as a W3C traceparent, to hand to another process or thread; undefined when nothing is traced. */
export function currentTraceparent(): string | undefined {
  return traceparentOf(context.active());
}

/** Runs fn with the span a traceparent names (from another process or thread) as its parent; a missing or malformed
 *  one starts fn's spans in a trace of their own. */
export function withTraceparent<T>(traceparent: string | undefined, fn: () => T): T {
  if (!traceparent) return fn();
  const parent = parseTraceparent(traceparent.trim());
  const remote = parent && { traceId: parent.traceId, spanId: parent.spanId, traceFlags: parent.flags, isRemote: true };
  return context.with(remote && isSpanContextValid(remote) ? trace.setSpanContext(ROOT_CONTEXT, remote) : ROOT_CONTEXT, fn);
}

/** Whether the active context is a sampled trace (an SDK is installed, or a traced caller handed its context over):
 *  lets a hot loop skip its clock reads when it would time nothing. */
export function tracing(): boolean {
  // A parent from another thread is a remote, non-recording span: what matters is that its trace is sampled.
  const span = trace.getActiveSpan();
  return span !== undefined && (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;
}

/** A span that stays open across callbacks (a file, from the message that starts it to the one that ends it). */
export interface OpenSpan {
  /** The span as a traceparent, for the message that hands its work to another thread. */
  readonly traceparent: string | undefined;
  readonly context: Context;
  /** Runs fn with this span active. */
  run<T>(fn: () => T): T;
  end(attrs?: Attributes, error?: string): void;
}

/** Starts a child of the active span, ended by the caller. */
export function openSpan(name: string, attrs: Attributes): OpenSpan {
  const span = tracer.startSpan(name, { attributes: attrs });
  const ctx = trace.setSpan(context.active(), span);
  return {
    traceparent: traceparentOf(ctx),
    context: ctx,
    run: (fn) => context.with(ctx, fn),
    end(attrs = {}, error) {
      span.setAttributes(attrs);
      if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
      span.end();
    },
  };
}

/** A child of the active span for work another process timed (epoch ms by its clock): a page's load in Chromium. */
export function recordSpan(name: string, attrs: Attributes, startMs: number, endMs: number, parent: Context = context.active()): void {
  tracer.startSpan(name, { startTime: startMs, attributes: attrs }, parent).end(endMs);
}

const epochNow = (): number => performance.timeOrigin + performance.now();

/** Time a unit of work (a batch) spends in each of its stages, summed over its records, which run interleaved: read,
 *  decode, extract for record after record. `end()` records one child span per stage under the active span, laid
 *  end to end from the unit's start, each with its summed duration and the number of calls it sums (`calls`): a span
 *  per batch and stage, never one per record. */
export class StageClock {
  private readonly totals = new Map<string, { ms: number; calls: number; attrs: Attributes }>();
  private readonly startMs = epochNow();

  /** `on`: whether to time at all (default: whether the active span records). */
  constructor(readonly on = tracing()) {}

  /** Runs fn, adding its time to `stage`. */
  time<T>(stage: string, fn: () => T): T {
    if (!this.on) return fn();
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      this.add(stage, performance.now() - t0);
    }
  }

  /** Adds ms (and numeric attributes, summed) to `stage`. */
  add(stage: string, ms: number, attrs: Record<string, number> = {}): void {
    if (!this.on) return;
    let t = this.totals.get(stage);
    if (!t) this.totals.set(stage, (t = { ms: 0, calls: 0, attrs: {} }));
    t.ms += ms;
    t.calls++;
    for (const [k, v] of Object.entries(attrs)) t.attrs[k] = ((t.attrs[k] as number | undefined) ?? 0) + v;
  }

  /** Records the stages as child spans of `parent` (default the active span), and forgets them. The unit's time in
   *  none of them (the loop's own work between stages) is a stage too, `unattributed`, so the stages add up to the
   *  unit's time. */
  end(parent: Context = context.active(), unattributed = 'unattributed'): void {
    if (!this.on) return;
    const timed = [...this.totals.values()].reduce((sum, t) => sum + t.ms, 0);
    const rest = epochNow() - this.startMs - timed;
    if (rest > 0) this.totals.set(unattributed, { ms: rest, calls: 1, attrs: {} });
    let at = this.startMs;
    for (const [stage, t] of this.totals) {
      recordSpan(stage, { ...t.attrs, calls: t.calls, summed: true }, at, at + t.ms, parent);
      at += t.ms;
    }
    this.totals.clear();
  }
}
