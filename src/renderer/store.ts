import { create } from 'zustand';
import type { OpenedFile, ProblemSummary, RecordDetail, RecordSummary } from '../shared/api.js';
import { call } from './api/client.js';

interface ArchiveState {
  file: OpenedFile | null;
  records: RecordSummary[];
  problems: ProblemSummary[];
  next: number | null;
  loading: boolean;
  error: string | null;
  selected: RecordDetail | null;
  open(path: string): Promise<void>;
  loadMore(): Promise<void>;
  select(r: RecordSummary): Promise<void>;
}

export const useArchive = create<ArchiveState>((set, get) => ({
  file: null,
  records: [],
  problems: [],
  next: null,
  loading: false,
  error: null,
  selected: null,

  async open(path) {
    set({ loading: true, error: null, records: [], problems: [], selected: null, file: null });
    try {
      const [file] = await call('archive.open', { paths: [path] });
      const page = await call('archive.records', { file: file.path, limit: 500 });
      set({ file, records: page.records, problems: page.problems, next: page.next, loading: false });
    } catch (e) {
      set({ loading: false, error: (e as Error).message });
    }
  },

  async loadMore() {
    const { file, next, records, problems } = get();
    if (!file || next === null) return;
    set({ loading: true });
    try {
      const page = await call('archive.records', { file: file.path, after: next, limit: 500 });
      set({ records: [...records, ...page.records], problems: [...problems, ...page.problems], next: page.next, loading: false });
    } catch (e) {
      set({ loading: false, error: (e as Error).message });
    }
  },

  async select(r) {
    const { file } = get();
    if (!file) return;
    try {
      set({ selected: await call('archive.record', { file: file.path, offset: r.offset, length: r.length }) });
    } catch (e) {
      set({ error: (e as Error).message });
    }
  },
}));
