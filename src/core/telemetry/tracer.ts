// The tracer a Node process or thread installs when it traces (sink.ts): it implements the OpenTelemetry API's Tracer
// and Span for what this app records (names, attributes, status, parent) and hands each span to `onEnd` as the plain
// SpanRecord that crosses threads, sits in the span store and is exported. Sampling is the SDK's default,
// ParentBased(AlwaysOn): a span without a parent is sampled, a child follows its parent's sampled flag.
// Why not @opentelemetry/sdk-trace-base's BasicTracerProvider: loading it (with core, resources and semantic
// conventions) costs each thread some 50 ms of CPU, more than everything else tracing adds to an ingest
// (bench/telemetry/overhead.ts); what it adds beyond this (span limits, events, links, a resource per span) nothing
// here reads. The browser keeps the web SDK (src/renderer/telemetry.ts).
import { randomFillSync } from 'node:crypto';
import {
  context as contextApi, isSpanContextValid, SpanStatusCode, trace, TraceFlags,
  type AttributeValue, type Attributes, type Context, type Span, type SpanContext, type SpanOptions, type SpanStatus, type TimeInput, type Tracer,
} from '@opentelemetry/api';
import type { SpanProcess, SpanRecord } from '../../shared/telemetry.js';

const ids = Buffer.alloc(16);

/** A random, non-zero id of `bytes` bytes, as hex. */
function randomId(bytes: 8 | 16): string {
  for (;;) {
    const id = randomFillSync(ids, 0, bytes).toString('hex', 0, bytes);
    if (/[^0]/.test(id)) return id;
  }
}

const epochNow = (): number => performance.timeOrigin + performance.now();

/** A TimeInput as epoch ms: a number no later than performance.now() is a reading of it, as the SDK reads it. */
function epochMs(t: TimeInput | undefined): number {
  if (t === undefined) return epochNow();
  if (typeof t === 'number') return t <= performance.now() ? performance.timeOrigin + t : t;
  if (t instanceof Date) return t.getTime();
  return t[0] * 1e3 + t[1] / 1e6;
}

/** What a SpanRecord can hold of an attribute value (arrays joined), or undefined to leave it out. */
function recordable(v: AttributeValue | undefined): string | number | boolean | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return Array.isArray(v) ? v.join(',') : undefined;
}

class RecordingSpan implements Span {
  private readonly attributes: SpanRecord['attributes'] = {};
  private status: SpanStatus = { code: SpanStatusCode.UNSET };
  private ended = false;

  constructor(
    private name: string,
    private readonly ctx: SpanContext,
    private readonly parentSpanId: string | null,
    private readonly startMs: number,
    private readonly onEnd: (r: SpanRecord) => void,
    private readonly process: SpanProcess,
  ) {}

  spanContext(): SpanContext {
    return this.ctx;
  }
  setAttribute(key: string, value: AttributeValue): this {
    const v = recordable(value);
    if (!this.ended && v !== undefined) this.attributes[key] = v;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    for (const [k, v] of Object.entries(attributes)) this.setAttribute(k, v as AttributeValue);
    return this;
  }
  setStatus(status: SpanStatus): this {
    if (!this.ended) this.status = status;
    return this;
  }
  updateName(name: string): this {
    this.name = name;
    return this;
  }
  // Events and links are not kept: no SpanRecord field, view or export carries them. An exception's message reaches
  // the record through the error status withSpan sets.
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  recordException(): void {}
  isRecording(): boolean {
    return !this.ended;
  }
  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd({
      name: this.name,
      traceId: this.ctx.traceId,
      spanId: this.ctx.spanId,
      parentSpanId: this.parentSpanId,
      process: this.process,
      startMs: this.startMs,
      durationMs: Math.max(0, epochMs(endTime) - this.startMs),
      attributes: this.attributes,
      error: this.status.code === SpanStatusCode.ERROR ? (this.status.message ?? 'error') : null,
    });
  }
}

/** A tracer whose finished spans go to `onEnd` as SpanRecords of `process`. */
export function recordingTracer(process: SpanProcess, onEnd: (r: SpanRecord) => void): Tracer {
  const startSpan = (name: string, options: SpanOptions = {}, ctx: Context = contextApi.active()): Span => {
    const parent = options.root ? undefined : trace.getSpanContext(ctx);
    const inTrace = parent !== undefined && isSpanContextValid(parent);
    const spanContext: SpanContext = { traceId: inTrace ? parent.traceId : randomId(16), spanId: randomId(8), traceFlags: TraceFlags.SAMPLED };
    if (inTrace && !(parent.traceFlags & TraceFlags.SAMPLED)) return trace.wrapSpanContext({ ...spanContext, traceFlags: TraceFlags.NONE });
    const span = new RecordingSpan(name, spanContext, inTrace ? parent.spanId : null, epochMs(options.startTime), onEnd, process);
    if (options.attributes) span.setAttributes(options.attributes);
    return span;
  };
  return {
    startSpan,
    // (name, fn), (name, options, fn) or (name, options, context, fn), as the API declares it.
    startActiveSpan(name: string, ...args: unknown[]) {
      const fn = args.at(-1) as (span: Span) => unknown;
      const ctx = args.length >= 3 ? (args[1] as Context) : contextApi.active();
      const span = startSpan(name, args.length >= 2 ? (args[0] as SpanOptions) : {}, ctx);
      return contextApi.with(trace.setSpan(ctx, span), fn, undefined, span);
    },
  } as Tracer;
}
