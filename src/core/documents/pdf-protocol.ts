// Messages between an ingest worker's PdfReader (index.ts) and its PDF thread (pdf-thread.ts). Plain data only.
import type { DocumentFailure, PdfText } from './pdf-text.js';

export interface PdfRequest {
  id: number;
  data: Uint8Array;
  maxTextChars: number;
  timeoutMs: number;
}

export type PdfAnswer = { id: number; ok: true; doc: PdfText } | { id: number; ok: false; code: DocumentFailure; message: string };
