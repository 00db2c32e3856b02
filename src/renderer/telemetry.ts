// The UI's spans: recorded with OpenTelemetry's web SDK, and sent to the engine with the contract's
// 'telemetry.submit' (never to the network: the engine's store and exporter take them from there). A UI action is
// the root of its trace; its traceparent goes with each call it makes (EngineClient.invoke's third argument: an HTTP
// header, or a field of the Electron IPC message), so the engine's spans, and its threads', join the same trace.
import { ROOT_CONTEXT, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { WebTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-web';
import { parseTraceparent, type UiSpan } from '../shared/telemetry.js';

/** Spans held for the engine at most; when it does not take them (it is down), older ones are let go. */
const PENDING_MAX = 2000;
const SEND_DELAY_MS = 1000;

type Send = (spans: UiSpan[]) => Promise<unknown>;

const hrMs = ([s, ns]: [number, number]): number => s * 1e3 + ns / 1e6;

function uiSpanOf(span: ReadableSpan, process: UiSpan['process']): UiSpan {
  const attributes: UiSpan['attributes'] = {};
  for (const [k, v] of Object.entries(span.attributes)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') attributes[k] = v;
  }
  const parent = span.parentSpanContext?.spanId;
  return {
    name: span.name,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    process,
    startMs: hrMs(span.startTime),
    durationMs: hrMs(span.duration),
    attributes,
    ...(span.status.code === SpanStatusCode.ERROR ? { error: span.status.message ?? 'error' } : {}),
  };
}

/** Records the UI's spans and sends them to the engine in batches. */
export class UiTracer {
  private pending: UiSpan[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sending: Promise<void> | null = null;
  /** Spans let go because the engine did not take them. */
  dropped = 0;
  private readonly tracer;

  constructor(private readonly send: Send, process: UiSpan['process'] = 'renderer') {
    const processor: SpanProcessor = {
      onStart: () => {},
      onEnd: (span) => this.queue(uiSpanOf(span, process)),
      forceFlush: () => this.flush(),
      shutdown: () => this.flush(),
    };
    this.tracer = new WebTracerProvider({ spanProcessors: [processor] }).getTracer('archivestream-ui');
  }

  /** Runs a UI action as the root span of a trace; fn gets the traceparent to pass with each call it makes. */
  async action<T>(name: string, attrs: Attributes, fn: (traceparent: string, span: Span) => Promise<T>): Promise<T> {
    return this.child(name, attrs, undefined, fn);
  }

  /** A span under `parent` (a traceparent from elsewhere: the engine's batch a GPU page extracts), or a root. */
  async child<T>(name: string, attrs: Attributes, parent: string | undefined, fn: (traceparent: string, span: Span) => Promise<T>): Promise<T> {
    const ctx = parent ? contextOf(parent) : ROOT_CONTEXT;
    const span = this.tracer.startSpan(name, { attributes: attrs }, ctx);
    try {
      return await fn(traceparentOf(span), span);
    } catch (e) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
      throw e;
    } finally {
      span.end();
    }
  }

  /** Records work timed elsewhere (a GPU worker's stages, epoch ms) as children of `parent`, which is still open. */
  stages(parent: Span, stages: ReadonlyArray<{ name: string; startMs: number; durationMs: number; attributes: Attributes }>): void {
    const ctx = trace.setSpan(ROOT_CONTEXT, parent);
    for (const s of stages) {
      this.tracer.startSpan(s.name, { startTime: s.startMs, attributes: s.attributes }, ctx).end(s.startMs + s.durationMs);
    }
  }

  private queue(s: UiSpan): void {
    this.pending.push(s);
    if (this.pending.length > PENDING_MAX) this.dropped += this.pending.splice(0, this.pending.length - PENDING_MAX).length;
    this.timer ??= setTimeout(() => void this.flush(), SEND_DELAY_MS);
  }

  /** Sends what is pending now; settles when the engine has it (or failed to take it: those are counted dropped). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sending;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    this.sending = this.send(batch).then(
      () => undefined,
      () => {
        this.dropped += batch.length;
      },
    );
    await this.sending;
  }
}

/** A span's W3C traceparent (sampled). */
export function traceparentOf(span: Span): string {
  const { traceId, spanId } = span.spanContext();
  return `00-${traceId}-${spanId}-01`;
}

/** The context whose parent is the span a traceparent names (a malformed one: a new trace). */
function contextOf(traceparent: string) {
  const p = parseTraceparent(traceparent);
  if (!p) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: p.traceId, spanId: p.spanId, traceFlags: p.flags, isRemote: true });
}
