// Types for native/fts-rank.mjs, which the build scripts run as plain JavaScript and the store and a bench import.
export declare const FTS_RANK_LIBRARY: string;
export declare function buildFtsRank(projectRoot: string): 'built' | 'current' | string;
