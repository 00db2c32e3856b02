// What the engine's modules share without importing one another: the context the engine runs in, and the type of
// its handler map (one plain function per method of the contract), which handlers.ts builds and the transports call.
import type { ArgsOf, Method, ResultOf } from '../shared/api.js';
import type { Telemetry } from '../core/telemetry/sdk.js';
import type { EventBus } from './events.js';
import type { RemoteExtractOptions } from './remote-extract.js';
import type { EngineReplay } from './replay-handlers.js';

export type Handlers = { [M in Method]: (args: ArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> };

export interface EngineContext {
  mode: 'ipc' | 'http';
  events: EventBus;
  /** Where collections live (one SQLite database each) and settings are kept. */
  dataDir: string;
  /** The process's span store, when telemetry runs (the engine always starts it; tests may not). */
  telemetry?: Telemetry;
  /** Folders the API may read and the folder browser show (--allow-dir), besides those confirmed in settings. */
  allowDirs?: string[];
  /** Reaches the person outside the API (the engine's terminal), to show a code that confirms a folder to allow;
   *  without it no folder can be allowed from the API. */
  announce?: (message: string) => void;
  /** Lease and timeouts of clients' GPU text extractors (tests shorten them). */
  remoteExtract?: RemoteExtractOptions;
  /** The replay origin, started beside the engine (replay-handlers.ts); its owner closes it. */
  replay?: EngineReplay;
  /** Desktop mode: the port of /metrics' own 127.0.0.1 listener while metrics are on (engine/metrics-listener.ts). */
  metricsPort?: number;
}
