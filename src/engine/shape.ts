// How a method's arguments are described, for validate.ts to check: the vocabulary its table and each area's shapes
// (collections-shapes.ts) are written in.

/** 'text' may be empty (a query); 'body' is a string of any length (page text: the transport bounds its size); 'bool'
 *  is true or false; 'int[]?' a non-empty list of non-negative integers (ids), or missing; 'number' any finite number; 'attrs' a flat object of at most MAX_ATTRS strings, numbers and
 *  booleans (a span's attributes);
 *  `{ oneOf }` is an enumeration and `{ listOf }` a list of objects of one shape, optional when `optional` is set. */
export type Field =
  | 'string' | 'string?' | 'text' | 'body' | 'bool' | 'bool?' | 'int' | 'int?' | 'string[]' | 'int[]?' | 'number' | 'attrs'
  | { oneOf: readonly string[]; optional?: boolean }
  | { listOf: Shape; optional?: boolean };
export interface Shape {
  [name: string]: Field;
}
export type Shapes<Names extends string> = { [M in Names]: Shape };
