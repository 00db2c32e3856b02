// The collections methods of the contract, over the store, ingest and search modules of the core.
import type { CollectionsApi } from '../shared/api-collections.js';
import type { ArgsOf, ResultOf } from '../shared/api.js';
import type { EngineContext } from './handlers.js';

export type CollectionHandlers = { [M in keyof CollectionsApi]: (args: ArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> };

export function createCollectionHandlers(_ctx: EngineContext): { handlers: CollectionHandlers; close(): void } {
  return {
    handlers: {
      'collections.list': () => [],
    },
    close() {},
  };
}
