// Argument shapes of the collections methods, checked at the engine's edge by validate.ts.
import type { CollectionsApi } from '../shared/api-collections.js';
import type { Shapes } from './validate.js';

export const collectionShapes: Shapes<keyof CollectionsApi> = {
  'collections.list': {},
};
