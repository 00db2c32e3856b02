// Arguments from the renderer or the network are untrusted: every method's arguments are checked here, at the engine's
// edge, before a handler sees them (STYLE.md item 3).
import type { CollectionsApi } from '../shared/api-collections.js';
import type { ArgsOf, Method } from '../shared/api.js';
import { collectionShapes } from './collections-shapes.js';

export class BadRequest extends Error {}

/** 'text' may be empty (a query); `{ oneOf }` is an enumeration, optional when `optional` is set. */
export type Field = 'string' | 'string?' | 'text' | 'int' | 'int?' | 'string[]' | { oneOf: readonly string[]; optional?: boolean };
export type Shape = Record<string, Field>;
export type Shapes<Names extends string> = { [M in Names]: Shape };

const shapes: Shapes<Method> = {
  ...(collectionShapes satisfies Shapes<keyof CollectionsApi>),
  'engine.info': {},
  'archive.open': { paths: 'string[]' },
  'archive.records': { file: 'string', after: 'int?', limit: 'int?' },
  'archive.record': { file: 'string', offset: 'int', length: 'int' },
  'archive.raw': { file: 'string', offset: 'int', length: 'int', from: 'int?', size: 'int?' },
  'record.payload': { file: 'string', offset: 'int', length: 'int', from: 'int?', size: 'int?' },
  'app.paths': {},
  'telemetry.recent': { limit: 'int?' },
};

const MAX_STRING = 4096;

function checkField(name: string, kind: Field, value: unknown): void {
  const fail = (what: string) => {
    throw new BadRequest(`'${name}' must be ${what}`);
  };
  if (typeof kind === 'object') {
    if (kind.optional && value === undefined) return;
    if (typeof value !== 'string' || !kind.oneOf.includes(value)) fail(`one of ${kind.oneOf.join(', ')}`);
    return;
  }
  switch (kind) {
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
    case 'string[]':
      if (!Array.isArray(value) || value.length === 0 || value.length > 10_000) fail('a non-empty list of strings');
      for (const v of value as unknown[]) checkField(name + '[]', 'string', v);
      return;
  }
}

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.hasOwn(shapes, name);
}

export function validateArgs<M extends Method>(method: M, args: unknown): ArgsOf<M> {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new BadRequest('arguments must be an object');
  const shape = shapes[method];
  for (const key of Object.keys(args)) if (!Object.hasOwn(shape, key)) throw new BadRequest(`unknown argument '${key}'`);
  for (const [key, kind] of Object.entries(shape)) checkField(key, kind, (args as Record<string, unknown>)[key]);
  return args as ArgsOf<M>;
}
