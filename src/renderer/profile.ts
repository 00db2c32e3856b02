// What the Profiler shows, from the engine's recent spans: the operations (one per trace: an ingest, a search, a
// replay, an export), a trace laid out as a waterfall across processes, where its time went by stage, and two runs of
// the same kind side by side. Plain functions of the spans, so they are tested without a screen.
import type { SpanRecord } from '../shared/telemetry.js';

export type OperationKind = 'ingest' | 'search' | 'replay' | 'export' | 'other';

export interface Operation {
  traceId: string;
  kind: OperationKind;
  /** The root span's name (the UI action, the API call or the CLI command that started it). */
  name: string;
  startMs: number;
  durationMs: number;
  spans: number;
  processes: string[];
  failed: boolean;
}

/** What kind of work a trace is, from the names its spans carry. */
function kindOf(names: Set<string>): OperationKind {
  if (names.has('ingest.collection') || names.has('ingest.pool')) return 'ingest';
  if (names.has('export.results')) return 'export';
  if (names.has('search.search') || names.has('api.search.query')) return 'search';
  if (names.has('replay.request')) return 'replay';
  return 'other';
}

/** A trace's spans whose parent is not among them: its roots (one, for a trace that was kept whole). */
function roots(spans: SpanRecord[]): SpanRecord[] {
  const ids = new Set(spans.map((s) => s.spanId));
  return spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
}

/** The operations among `spans`, newest first; traces of other kinds (engine.info, a settings read) are left out. */
export function operations(spans: readonly SpanRecord[]): Operation[] {
  const byTrace = new Map<string, SpanRecord[]>();
  for (const s of spans) {
    let list = byTrace.get(s.traceId);
    if (!list) byTrace.set(s.traceId, (list = []));
    list.push(s);
  }
  const out: Operation[] = [];
  for (const [traceId, list] of byTrace) {
    const kind = kindOf(new Set(list.map((s) => s.name)));
    if (kind === 'other') continue;
    const start = Math.min(...list.map((s) => s.startMs));
    const end = Math.max(...list.map((s) => s.startMs + s.durationMs));
    const root = roots(list).sort((a, b) => a.startMs - b.startMs)[0];
    out.push({
      traceId, kind, name: root.name, startMs: start, durationMs: end - start, spans: list.length,
      processes: [...new Set(list.map((s) => s.process))], failed: list.some((s) => s.error !== null),
    });
  }
  return out.sort((a, b) => b.startMs - a.startMs);
}

export interface WaterfallRow {
  span: SpanRecord;
  depth: number;
  /** Left edge and width as fractions of the trace's duration. */
  left: number;
  width: number;
}

/** A trace's spans in tree order (each parent followed by its children, by start time), placed on its time axis. */
export function waterfall(spans: readonly SpanRecord[]): WaterfallRow[] {
  if (spans.length === 0) return [];
  const start = Math.min(...spans.map((s) => s.startMs));
  const total = Math.max(1e-6, Math.max(...spans.map((s) => s.startMs + s.durationMs)) - start);
  const children = new Map<string, SpanRecord[]>();
  for (const s of spans) {
    if (!s.parentSpanId) continue;
    let list = children.get(s.parentSpanId);
    if (!list) children.set(s.parentSpanId, (list = []));
    list.push(s);
  }
  const rows: WaterfallRow[] = [];
  const visit = (s: SpanRecord, depth: number) => {
    rows.push({ span: s, depth, left: (s.startMs - start) / total, width: s.durationMs / total });
    for (const c of (children.get(s.spanId) ?? []).sort((a, b) => a.startMs - b.startMs)) visit(c, depth + 1);
  };
  for (const r of roots([...spans]).sort((a, b) => a.startMs - b.startMs)) visit(r, 0);
  return rows;
}

export interface StageTotal {
  stage: string;
  /** Time in spans of this name, summed. */
  ms: number;
  share: number;
}

/** Where a trace's time went: the time of its stages, the spans that have no children (read, inflate, extract, the
 *  FTS write, a query's plan), summed by name, largest first, with shares of their sum. A span with children only
 *  holds them, often across threads at once (the writer's file while a worker reads it), so its time is theirs and
 *  waiting, not a stage. */
export function stageTotals(spans: readonly SpanRecord[]): StageTotal[] {
  const parents = new Set(spans.map((s) => s.parentSpanId));
  const byName = new Map<string, number>();
  for (const s of spans) if (!parents.has(s.spanId)) byName.set(s.name, (byName.get(s.name) ?? 0) + s.durationMs);
  const sum = [...byName.values()].reduce((a, b) => a + b, 0);
  return [...byName].map(([stage, ms]) => ({ stage, ms, share: sum > 0 ? ms / sum : 0 })).sort((a, b) => b.ms - a.ms);
}

export interface StageComparison {
  stage: string;
  a: number;
  b: number;
  /** b / a, or null when a spent no time in the stage. */
  ratio: number | null;
}

/** Two runs' stage totals side by side (every stage either has), largest in `a` first. */
export function compareRuns(a: readonly SpanRecord[], b: readonly SpanRecord[]): StageComparison[] {
  const ta = new Map(stageTotals(a).map((t) => [t.stage, t.ms]));
  const tb = new Map(stageTotals(b).map((t) => [t.stage, t.ms]));
  const stages = [...new Set([...ta.keys(), ...tb.keys()])];
  return stages
    .map((stage) => {
      const x = ta.get(stage) ?? 0;
      const y = tb.get(stage) ?? 0;
      return { stage, a: x, b: y, ratio: x > 0 ? y / x : null };
    })
    .sort((p, q) => q.a - p.a || q.b - p.b);
}
