// Desktop mode's /metrics. The Electron shell's engine serves no HTTP (its UI talks over IPC), so while metrics are on
// it opens a listener of its own on 127.0.0.1 that answers GET /metrics, behind the metrics token, and nothing else:
// no UI, no API, so no host or origin check is needed (Prometheus in a container arrives as host.docker.internal).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The port Prometheus exporters take by convention (OpenTelemetry's included), so a static prometheus.yml finds it;
 *  --metrics-port or ARCHIVESTREAM_METRICS_PORT choose another. */
export const DEFAULT_METRICS_PORT = 9464;

export interface MetricsListener {
  /** Where Prometheus scrapes, e.g. http://127.0.0.1:9464/metrics. */
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` (0: any free one); `serve` answers an authorised GET /metrics (engine/telemetry.ts's
 *  serveMetrics: false when metrics are off). Rejects when the port cannot be had, saying which. */
export function listenForMetrics(port: number, serve: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<MetricsListener> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics' && serve(req, res)) return;
    const why = req.url === '/metrics' ? 'metrics are off (Settings, Telemetry)' : 'only GET /metrics is served here';
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`${why}\n`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(`cannot serve /metrics on 127.0.0.1:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.message}`)));
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${bound}/metrics`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
