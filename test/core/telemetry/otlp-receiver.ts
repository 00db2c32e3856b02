// A real OTLP/HTTP trace receiver on 127.0.0.1, standing in for Jaeger's port 4318 (no Docker engine runs here):
// POST /v1/traces with an OTLP/JSON ExportTraceServiceRequest, plain or gzip'd (Content-Encoding), with a
// Content-Length or chunked (Node's parser undoes the chunking; the body is read as a stream either way). Protobuf
// bodies are answered 415, as a JSON-only collector would.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  attributes: Record<string, string | number | boolean>;
  startNs: bigint;
  endNs: bigint;
  statusCode: number;
}

export interface Receiver {
  endpoint: string;
  spans: ReceivedSpan[];
  /** How the posts came: content encodings and transfer encodings seen. */
  encodings: string[];
  close(): Promise<void>;
}

type OtlpValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };

function valueOf(v: OtlpValue): string | number | boolean {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  throw new Error(`an attribute value of no known kind: ${JSON.stringify(v)}`);
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  const raw = Buffer.concat(parts);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

export async function startReceiver(opts: { status?: number } = {}): Promise<Receiver> {
  const spans: ReceivedSpan[] = [];
  const encodings: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') return res.writeHead(404).end();
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return res.writeHead(415).end();
      encodings.push(`${req.headers['content-encoding'] ?? 'identity'}/${req.headers['transfer-encoding'] ?? 'length'}`);
      const doc = JSON.parse((await bodyOf(req)).toString('utf8')) as {
        resourceSpans: Array<{
          resource: { attributes: Array<{ key: string; value: OtlpValue }> };
          scopeSpans: Array<{ spans: Array<{
            traceId: string; spanId: string; parentSpanId?: string; name: string; startTimeUnixNano: string; endTimeUnixNano: string;
            attributes?: Array<{ key: string; value: OtlpValue }>; status?: { code?: number };
          }> }>;
        }>;
      };
      for (const rs of doc.resourceSpans) {
        const service = String(valueOf(rs.resource.attributes.find((a) => a.key === 'service.name')!.value));
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            spans.push({
              service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || null, name: s.name,
              attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
              startNs: BigInt(s.startTimeUnixNano), endNs: BigInt(s.endTimeUnixNano), statusCode: s.status?.code ?? 0,
            });
          }
        }
      }
      res.writeHead(opts.status ?? 200, { 'content-type': 'application/json' }).end('{}');
    })().catch((e: unknown) => res.writeHead(400).end(String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    encodings,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (bound, then closed): a collector that is down, or a free port to start one on. */
export function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
