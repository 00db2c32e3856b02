// Argument shapes of the WACZ export methods, checked at the engine's edge by validate.ts.
import type { ExportApi } from '../shared/api-export.js';
import type { Shapes } from './shape.js';

export const exportShapes: Shapes<keyof ExportApi> = {
  'export.wacz': {
    collection: 'string', q: 'string?', limit: 'int?', url: 'string?', at: 'string?', host: 'string?', from: 'string?', to: 'string?', captureIds: 'int[]?', title: 'string?',
  },
  'export.cancel': { collection: 'string' },
};
