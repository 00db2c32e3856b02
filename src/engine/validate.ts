// Arguments from the renderer or the network are untrusted: every method's arguments are checked here, at the engine's
// edge, before a handler sees them (ARCHITECTURE.md, 'The contract').
import type { CollectionsApi } from '../shared/api-collections.js';
import type { ArgsOf, Method } from '../shared/api.js';
import { CodedError } from '../shared/errors.js';
import { collectionShapes } from './collections-shapes.js';
import type { Field, Shape, Shapes } from './shape.js';
import { replayShapes } from './replay-handlers.js';
import { notesShapes } from './notes-handlers.js';
import { exportShapes } from './export-shapes.js';

/** Arguments that do not fit the method's shape: the client's mistake, named in words. */
export class BadRequest extends CodedError {
  constructor(message: string) {
    super('bad-request', message);
  }
}

const shapes: Shapes<Method> = {
  ...(collectionShapes satisfies Shapes<keyof CollectionsApi>),
  ...replayShapes,
  ...notesShapes,
  ...exportShapes,
  'engine.info': {},
  'archive.open': { paths: 'string[]' },
  'archive.records': { file: 'string', after: 'int?', limit: 'int?' },
  'archive.record': { file: 'string', offset: 'int', length: 'int' },
  'archive.raw': { file: 'string', offset: 'int', length: 'int', from: 'int?', size: 'int?' },
  'record.payload': { file: 'string', offset: 'int', length: 'int', from: 'int?', size: 'int?' },
  'app.paths': {},
  'telemetry.recent': { limit: 'int?' },
  'telemetry.submit': {
    spans: {
      listOf: {
        name: 'string', traceId: 'string', spanId: 'string', parentSpanId: 'string?', process: { oneOf: ['renderer', 'gpu-page'] },
        startMs: 'number', durationMs: 'number', attributes: 'attrs', error: 'string?',
      },
    },
  },
  'telemetry.export': { traceId: 'string' },
  'telemetry.configure': { exportOn: 'bool?', endpoint: 'string?', queryText: 'bool?', metrics: 'bool?' },
  'telemetry.testExport': { endpoint: 'string' },
  'extract.offer': { extractor: 'string', renderer: 'string', client: 'string?' },
  'extract.withdraw': { extractor: 'string' },
  'extract.reply': {
    extractor: 'string',
    id: 'int',
    results: {
      listOf: { title: 'body', description: 'body', text: 'body', main: 'body', rest: 'body', mainFound: 'bool' },
      optional: true,
    },
    error: 'string?',
  },
};

const MAX_STRING = 4096;
const MAX_LIST = 100_000;
const MAX_ATTRS = 64;

function checkField(name: string, kind: Field, value: unknown): void {
  const fail = (what: string) => {
    throw new BadRequest(`'${name}' must be ${what}`);
  };
  if (typeof kind === 'object') {
    if (kind.optional && value === undefined) return;
    if ('oneOf' in kind) {
      if (typeof value !== 'string' || !kind.oneOf.includes(value)) fail(`one of ${kind.oneOf.join(', ')}`);
      return;
    }
    if (!Array.isArray(value) || value.length > MAX_LIST) fail(`a list of at most ${MAX_LIST} objects`);
    (value as unknown[]).forEach((item, i) => checkShape(kind.listOf, item, `${name}[${i}].`));
    return;
  }
  switch (kind) {
    case 'body':
      if (typeof value !== 'string') fail('a string');
      return;
    case 'bool?':
    case 'bool':
      if (kind === 'bool?' && value === undefined) return;
      if (typeof value !== 'boolean') fail('true or false');
      return;
    case 'text':
      if (typeof value !== 'string' || value.length > MAX_STRING) fail(`a string of at most ${MAX_STRING} characters`);
      return;
    case 'string?':
    case 'string':
      if (kind === 'string?' && value === undefined) return;
      if (typeof value !== 'string' || value.length === 0 || value.length > MAX_STRING) fail('a non-empty string');
      return;
    case 'int?':
    case 'int':
      if (kind === 'int?' && value === undefined) return;
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail('a non-negative integer');
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail('a finite number');
      return;
    case 'attrs': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('an object');
      const entries = Object.entries(value as object);
      if (entries.length > MAX_ATTRS) fail(`an object of at most ${MAX_ATTRS} attributes`);
      for (const [k, v] of entries) {
        if (typeof v === 'number' ? !Number.isFinite(v) : typeof v === 'string' ? v.length > MAX_STRING : typeof v !== 'boolean') {
          fail(`an object of strings, finite numbers and booleans ('${k}' is not)`);
        }
      }
      return;
    }
    case 'int[]?':
      if (value === undefined) return;
      if (!Array.isArray(value) || value.length === 0 || value.length > 10_000) fail('a non-empty list of at most 10000 integers');
      for (const v of value as unknown[]) checkField(name + '[]', 'int', v);
      return;
    case 'string[]':
      if (!Array.isArray(value) || value.length === 0 || value.length > 10_000) fail('a non-empty list of strings');
      for (const v of value as unknown[]) checkField(name + '[]', 'string', v);
      return;
  }
}

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.hasOwn(shapes, name);
}

/** An object with exactly the shape's fields (optional ones may be missing); `prefix` names nested ones. */
function checkShape(shape: Shape, value: unknown, prefix = ''): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequest(prefix ? `'${prefix.slice(0, -1)}' must be an object` : 'arguments must be an object');
  }
  for (const key of Object.keys(value)) if (!Object.hasOwn(shape, key)) throw new BadRequest(`unknown argument '${prefix}${key}'`);
  for (const [key, kind] of Object.entries(shape)) checkField(prefix + key, kind, (value as Record<string, unknown>)[key]);
}

export function validateArgs<M extends Method>(method: M, args: unknown): ArgsOf<M> {
  checkShape(shapes[method], args);
  return args as ArgsOf<M>;
}
