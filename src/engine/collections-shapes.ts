// Argument shapes of the collections methods, checked at the engine's edge by validate.ts.
import type { CollectionsApi, IngestMode, TextBackendKind, Theme, TimeZoneChoice } from '../shared/api-collections.js';
import type { Shape, Shapes } from './shape.js';

// The settings' enumerations, also used to check the registry file as it is read back (registry.ts).
export const THEMES = ['system', 'light', 'dark'] as const satisfies readonly Theme[];
export const TEXT_BACKENDS = ['cpu', 'gpu', 'auto'] as const satisfies readonly TextBackendKind[];
export const TIME_ZONES = ['local', 'utc'] as const satisfies readonly TimeZoneChoice[];
const INGEST_MODES = ['new', 'reextract'] as const satisfies readonly IngestMode[];

const named = { collection: 'string' } as const satisfies Shape;
const urlLookup = { ...named, url: 'string', limit: 'int?', offset: 'int?' } as const satisfies Shape;
const sort = { oneOf: ['relevance', 'date'], optional: true } as const;
const backend = { oneOf: TEXT_BACKENDS, optional: true } as const;

export const collectionShapes: Shapes<keyof CollectionsApi> = {
  'collections.list': {},
  'collections.create': { name: 'string' },
  'collections.get': named,
  'collections.rename': { ...named, to: 'string' },
  'collections.delete': named,
  'collections.diskUsage': named,
  'files.add': { ...named, paths: 'string[]' },
  'files.remove': { ...named, paths: 'string[]' },
  'files.relink': { ...named, from: 'string', to: 'string' },
  'ingest.start': { ...named, workers: 'int?', backend, mode: { oneOf: INGEST_MODES, optional: true } },
  'ingest.cancel': named,
  'ingest.errors': { ...named, file: 'string?', limit: 'int?', offset: 'int?' },
  'search.query': { ...named, q: 'text', sort, limit: 'int?', offset: 'int?' },
  'search.facets': { ...named, q: 'text' },
  'captures.byUrl': urlLookup,
  'captures.byPrefix': urlLookup,
  'captures.byHost': urlLookup,
  'captures.timeline': { ...named, url: 'string' },
  'record.text': { ...named, captureId: 'int' },
  'record.diff': { ...named, a: 'int', b: 'int' },
  'stats.get': { ...named, q: 'string?' },
  'export.results': { ...named, q: 'text', format: { oneOf: ['csv', 'jsonl'] }, sort, limit: 'int?' },
  'settings.get': {},
  'settings.update': {
    theme: { oneOf: THEMES, optional: true },
    lastCollection: 'string?',
    addRoot: 'string?',
    confirmCode: 'string?',
    removeRoot: 'string?',
    textBackend: backend,
    timeZone: { oneOf: TIME_ZONES, optional: true },
    maxTextMb: 'int?',
    remeasureText: 'bool?',
  },
  'fs.browse': { path: 'string?' },
};
