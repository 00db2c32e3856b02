// The collections part of the contract: create and fill collections, ingest, search, browse captures, stats.
// Merged into Api in api.ts; the method list below feeds validation and the preload bridge.

/** Method name -> [arguments, result]. */
export interface CollectionsApi {
  'collections.list': [Record<string, never>, Array<{ name: string }>];
}

export const COLLECTION_METHODS = ['collections.list'] as const;
