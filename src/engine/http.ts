// Browser mode: the engine serves the renderer and the contract on 127.0.0.1 only, behind a per-run token.
// The token arrives once in the URL; GET /?token=... trades it for an HttpOnly cookie and redirects to '/', so it does
// not linger in history. Calls are POST /api/<method> with a JSON body; events stream as Server-Sent Events on
// /events (one direction is all events need, and SSE needs no extra dependency, unlike WebSocket). A page names its
// stream (/events?client=<id>, EngineClient.clientId), so that what it offered is withdrawn when the stream closes.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { TRACEPARENT } from '../shared/telemetry.js';
import { dispatch } from './dispatch.js';
import type { EventBus } from './events.js';
import type { Handlers } from './context.js';
import { BodyTooLarge, readBody } from '../core/http-body.js';

const COOKIE = 'archivestream_token';
const MAX_BODY = 1 << 20;
/** 'extract.reply' carries the text of a batch of pages (a few MB at most; ingest batches are about 4 MB of HTML). */
const MAX_REPLY_BODY = 64 << 20;

/** Pages may load only their own scripts and styles, and talk only to this origin (the app never reaches the
 *  network). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; worker-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; " +
  "form-action 'none'";

/** The UI's policy, letting its replay view frame the replay origin and nothing else: every navigation inside that
 *  frame (a link the rewriting missed, a script's location change) is held to that origin by frame-src. */
export const contentSecurityPolicy = (replayOrigin: string | null): string =>
  replayOrigin ? `${CONTENT_SECURITY_POLICY}; frame-src ${replayOrigin}` : CONTENT_SECURITY_POLICY;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface HttpEngine {
  url: string; // with the token, to open once
  origin: string;
  token: string;
  server: Server;
  close(): Promise<void>;
}

/** Compares bytes, not characters: a token of the right length in characters but with non-ASCII ones is longer in
 *  bytes, and timingSafeEqual throws on buffers of different lengths. */
function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const given = Buffer.from(a);
  const expected = Buffer.from(b);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A path or name from the URL, or null when its %-escapes are malformed (decodeURIComponent throws URIError). */
function decoded(component: string): string | null {
  try {
    return decodeURIComponent(component);
  } catch {
    return null;
  }
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE) return v;
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function sendJsonError(res: ServerResponse, status: number, code: 'bad-request', message: string): void {
  send(res, status, JSON.stringify({ ok: false, error: { code, message } }), 'application/json');
}

/** Answers 413 and closes the connection: the rest of the body is never read, so the client learns at once
 *  instead of sending it all (or failing with EPIPE when we stop reading). */
function refuseBody(res: ServerResponse, max: number): void {
  res.shouldKeepAlive = false;
  sendJsonError(res, 413, 'bad-request', `the request body is larger than ${max} bytes`);
  res.once('finish', () => res.socket?.destroySoon());
}

export async function serveHttp(opts: {
  handlers: Handlers;
  events: EventBus;
  /** Folder holding the built renderer (index.html and assets). */
  staticDir: string | null;
  port?: number;
  token?: string;
  /** The replay origin (replay-handlers.ts), the one origin the UI may frame. */
  replayOrigin?: string;
  /** Answers GET /metrics when it is on and the request carries the metrics token (engine/telemetry.ts); false: 404. */
  metrics?: (req: IncomingMessage, res: ServerResponse) => boolean;
}): Promise<HttpEngine> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const open = new Set<ServerResponse>();
  const csp = contentSecurityPolicy(opts.replayOrigin ?? null);
  let origin = '';

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, e instanceof Error ? e.message : 'internal error');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Prometheus scrapes from a container as host.docker.internal, a name the host check below refuses; /metrics
    // takes its own token, which a rebinding page cannot know, and answers nothing else.
    if (req.method === 'GET' && req.url === '/metrics') {
      if (opts.metrics?.(req, res)) return;
      return send(res, 404, 'metrics are off (Settings, Telemetry)');
    }
    // DNS rebinding: a page on another name resolving to 127.0.0.1 must not reach us.
    const host = req.headers.host ?? '';
    const port = (server.address() as AddressInfo).port;
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return send(res, 421, 'wrong host');
    const url = new URL(req.url ?? '/', origin);

    if (req.method === 'GET' && url.pathname === '/' && url.searchParams.has('token')) {
      if (!sameToken(url.searchParams.get('token') ?? undefined, token)) return send(res, 401, 'wrong token');
      res.writeHead(303, {
        location: '/',
        'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      return void res.end();
    }

    const bearer = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : undefined;
    if (!sameToken(cookieToken(req), token) && !sameToken(bearer, token)) {
      return send(res, 401, 'ArchiveStream: open the address that `npm start` printed (it carries this run\'s token).');
    }

    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return send(res, 405, 'POST only');
      // A cross-site form cannot send JSON with this content type without a preflight we never answer.
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, 'JSON only');
      const method = decoded(url.pathname.slice(5));
      if (method === null) return sendJsonError(res, 400, 'bad-request', 'the method name has a malformed %-escape');
      const max = method === 'extract.reply' ? MAX_REPLY_BODY : MAX_BODY;
      // Content-Length says the size before the body comes; a chunked body is counted as it arrives.
      if (Number(req.headers['content-length'] ?? 0) > max) return refuseBody(res, max);
      let args: unknown;
      try {
        args = JSON.parse((await readBody(req, max)) || '{}');
      } catch (e) {
        if (e instanceof BodyTooLarge) return refuseBody(res, max);
        return sendJsonError(res, 400, 'bad-request', 'body is not JSON');
      }
      const traceparent = req.headers[TRACEPARENT];
      const reply = await dispatch(opts.handlers, method, args, typeof traceparent === 'string' ? traceparent : undefined);
      return send(res, 200, JSON.stringify(reply), 'application/json');
    }

    if (url.pathname === '/events' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      open.add(res);
      const unsubscribe = opts.events.subscribe((event, payload) => {
        res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
      });
      const client = url.searchParams.get('client');
      req.on('close', () => {
        unsubscribe();
        open.delete(res);
        if (client) opts.events.clientGone(client);
      });
      return;
    }

    if (req.method !== 'GET' || !opts.staticDir) return send(res, 404, 'not found');
    const path = decoded(url.pathname === '/' ? '/index.html' : url.pathname);
    if (path === null) return send(res, 400, 'malformed %-escape in the path');
    const rel = normalize(path).replace(/^([/\\])+/, '');
    const file = join(opts.staticDir, rel);
    if (!file.startsWith(opts.staticDir + sep) || !existsSync(file) || !statSync(file).isFile()) return send(res, 404, 'not found');
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
