// The engine's replay: the replay origin (src/core/replay/server.ts) on a loopback port of its own, over the
// collections opened read-only, and the API methods that point the UI at it. Started in both modes: browser mode
// frames its pages, and the Electron shell's protocol handler forwards the replay view's requests to it.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { ReplayApi } from '../shared/api-replay.js';
import type { ArgsOf, ResultOf } from '../shared/api.js';
import { startReplayServer, type ReplayServer } from '../core/replay/server.js';
import { Collection } from '../core/store/index.js';
import { CodedError } from '../shared/errors.js';
import { Registry } from './registry.js';
import type { Shapes } from './shape.js';

export type ReplayHandlers = { [M in keyof ReplayApi]: (args: ArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> };

export const replayShapes: Shapes<keyof ReplayApi> = {
  'replay.origin': {},
  'replay.ledger': { collection: 'string', url: 'string', at: 'string' },
};

const OPEN_MAX = 8;
/** A handle unused this long is closed, so that deleting its collection is not held up by it (Windows refuses to
 *  remove an open file) and a collection replaced on disk is read afresh. */
const IDLE_MS = 30_000;

/** Collections by name, opened read-only: the replay origin serves archived pages and must never write. The names
 *  come from the registry file, read again whenever it changes (the collections handlers own and write it). */
export class ReadOnlyCollections {
  private registry: Registry | null = null;
  private registryStamp = '';
  private readonly open = new Map<string, { coll: Collection; timer: NodeJS.Timeout }>(); // by database path, LRU order

  constructor(private readonly dataDir: string) {}

  private currentRegistry(): Registry {
    const file = join(this.dataDir, 'archivestream.json');
    let stamp = '';
    try {
      const s = statSync(file);
      stamp = `${s.ino}:${s.mtimeMs}:${s.size}`;
    } catch {
      stamp = 'none';
    }
    if (!this.registry || stamp !== this.registryStamp) {
      this.registry = new Registry(this.dataDir, { readOnly: true });
      this.registryStamp = stamp;
      const listed = new Set(this.registry.collections.map((c) => join(this.dataDir, c.db)));
      for (const path of this.open.keys()) if (!listed.has(path)) this.drop(path);
    }
    return this.registry;
  }

  get(name: string): Collection {
    const path = join(this.dataDir, this.currentRegistry().find(name).db);
    let entry = this.open.get(path);
    if (entry) {
      this.open.delete(path);
      clearTimeout(entry.timer);
    } else {
      try {
        entry = { coll: Collection.open(path, { readonly: true }), timer: undefined as unknown as NodeJS.Timeout };
      } catch (e) {
        // Its database is made when the collection is first read, which the collections methods do: without one,
        // there is nothing in it to replay.
        if ((e as { code?: unknown }).code !== 'SQLITE_CANTOPEN') throw e;
        throw new CodedError('collection-empty', `“${name}” holds no captures yet (${path} does not exist).`);
      }
    }
    entry.timer = setTimeout(() => this.drop(path), IDLE_MS).unref();
    this.open.set(path, entry);
    if (this.open.size > OPEN_MAX) this.drop(this.open.keys().next().value!);
    return entry.coll;
  }

  private drop(path: string): void {
    const entry = this.open.get(path);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.coll.close();
    this.open.delete(path);
  }

  close(): void {
    for (const path of [...this.open.keys()]) this.drop(path);
  }
}

export interface EngineReplay {
  server: ReplayServer;
  close(): Promise<void>;
}

export async function startReplay(dataDir: string, port = 0): Promise<EngineReplay> {
  const collections = new ReadOnlyCollections(dataDir);
  const server = await startReplayServer({ openCollection: (name) => collections.get(name), port });
  return {
    server,
    close: async () => {
      await server.close();
      collections.close();
    },
  };
}

/** The replay methods; without a replay origin (an engine built for a test that needs none) they say so. */
export function createReplayHandlers(replay: EngineReplay | null): ReplayHandlers {
  const server = (): ReplayServer => {
    if (!replay) throw new CodedError('replay-unavailable', 'This engine was started without a replay origin.');
    return replay.server;
  };
  return {
    'replay.origin': () => ({ origin: server().origin }),
    'replay.ledger': ({ collection, url, at }) => {
      const view = server().pageView(collection, at, url);
      return {
        view: view && {
          collection: view.collection,
          url: view.url,
          at: view.at,
          captureTime: view.captureTime,
          scripts: view.flag === 'js_',
          dropped: view.dropped,
          entries: [...view.entries],
        },
      };
    },
  };
}
