// Where a thread's finished spans go, as plain SpanRecords. The engine and the CLI keep and export them (sdk.ts); a
// worker thread buffers them until its next message to the thread that started it, which adopts them: spans cross
// threads inside the messages they already exchange, so every span ends in the engine's (or CLI's) one store.
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, ROOT_CONTEXT, trace, type Context, type ContextManager } from '@opentelemetry/api';
import type { SpanProcess, SpanRecord } from '../../shared/telemetry.js';
import { recordingTracer } from './tracer.js';

/** Context across awaits, for any thread (the SDK's own manager for Node lives in a package the app does not
 *  depend on; this is all of it that is needed). */
class AsyncContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const run = target as (...a: unknown[]) => unknown;
    return ((...a: unknown[]) => this.with(ctx, () => run(...a))) as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

let sink: ((r: SpanRecord) => void) | null = null;

/** Installs the tracer for this thread: every span that ends goes to `accept` as a SpanRecord of `process`. */
export function installTracer(process: SpanProcess, accept: (r: SpanRecord) => void): () => Promise<void> {
  sink = accept;
  const tracer = recordingTracer(process, accept);
  context.setGlobalContextManager(new AsyncContextManager());
  trace.setGlobalTracerProvider({ getTracer: () => tracer });
  return async () => {
    trace.disable();
    context.disable();
    sink = null;
  };
}

/** Spans another thread recorded and sent here: into this thread's sink (none: they are let go). */
export function adoptSpans(spans: readonly SpanRecord[] | undefined): void {
  if (!spans || !sink) return;
  for (const s of spans) sink(s);
}

/** Spans a worker thread holds at most between two messages; more are counted and let go. */
const THREAD_BUFFER = 20_000;
let buffered: SpanRecord[] | null = null;
let bufferDropped = 0;

/** In a worker thread, once a traceparent arrives: spans buffer until `takeSpans()` hands them to a message. */
export function startThreadTelemetry(process: SpanProcess): void {
  if (buffered) return;
  buffered = [];
  installTracer(process, (r) => {
    if (buffered!.length < THREAD_BUFFER) buffered!.push(r);
    else bufferDropped++;
  });
}

/** The spans buffered since the last call (undefined when none, or the thread does not trace), for the next message. */
export function takeSpans(): SpanRecord[] | undefined {
  if (!buffered || buffered.length === 0) return undefined;
  const out = buffered;
  buffered = [];
  return out;
}

/** Spans this thread let go because its buffer was full (a thread whose messages stopped while it kept tracing). */
export function threadSpansDropped(): number {
  return bufferDropped;
}
