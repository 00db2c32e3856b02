// What the preload exposes on window, for the renderer's type-check (which sees no Node or Electron types).
import type { EngineClient } from '../shared/api.js';

declare global {
  interface Window {
    archivestream?: EngineClient;
  }
}
export {};
