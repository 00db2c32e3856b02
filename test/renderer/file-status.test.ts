// Issue 15: the file table's states. A file that yielded no record is never "indexed"; a file cut short says how much
// was read before the break; counts take their plural forms.
import { describe, expect, it } from 'vitest';
import type { CollectionFile } from '../../src/shared/api-collections.js';
import { fileStatus } from '../../src/renderer/file-status.js';

const base: CollectionFile = { path: '/a/x.warc.gz', state: 'done', size: 100, records: 12, errors: 0, format: 'warc', indexedAt: '2026-01-01', problem: null };

describe('fileStatus', () => {
  it('calls a clean file indexed, and one with problems indexed with their count', () => {
    expect(fileStatus(base, false)).toEqual({ label: 'indexed', tone: 'ok', detail: null });
    const one = { code: 'warc-block-digest', offset: 900, message: 'block digest does not match' } as const;
    expect(fileStatus({ ...base, errors: 1, problem: one }, false)).toMatchObject({ label: 'indexed with 1 problem', tone: 'warn', detail: 'block digest does not match' });
    expect(fileStatus({ ...base, errors: 3, problem: one }, false).label).toBe('indexed with 3 problems');
  });

  it('never calls a file that gave no record indexed', () => {
    const png = { code: 'not-an-archive', offset: 0, message: 'PNG image, not an archive (WARC, ARC or WACZ)' } as const;
    expect(fileStatus({ ...base, state: 'error', records: 0, errors: 1, problem: png }, false)).toEqual({ label: 'not an archive', tone: 'bad', detail: png.message });
    // ingest's own message names the file; the row does already
    const named = { ...png, message: `${base.path}: ${png.message}` };
    expect(fileStatus({ ...base, state: 'error', records: 0, errors: 1, problem: named }, false).detail).toBe(png.message);
    // 'done' with 0 records and an error: what the engine stored for a gzip clipped inside its first record
    const clipped = { code: 'gzip-truncated', offset: 0, message: 'file ends inside a gzip member (75000 bytes inflated before the end)' } as const;
    expect(fileStatus({ ...base, records: 0, errors: 1, problem: clipped }, false)).toEqual({ label: 'unreadable', tone: 'bad', detail: clipped.message });
  });

  it('says what a file cut short gave before the break', () => {
    const clipped = { code: 'gzip-truncated', offset: 0, message: 'file ends inside a gzip member (45450 bytes inflated before the end)' } as const;
    expect(fileStatus({ ...base, records: 22, errors: 2, problem: clipped }, false)).toEqual({
      label: 'damaged: cut short', tone: 'warn',
      detail: '22 complete records read before the break: file ends inside a gzip member (45450 bytes inflated before the end)',
    });
    expect(fileStatus({ ...base, records: 1, errors: 1, problem: clipped }, false).detail).toMatch(/^1 complete record read/);
  });

  it('tells queued from not indexed yet, and names files gone or changed', () => {
    expect(fileStatus({ ...base, state: 'pending', records: 0 }, true).label).toBe('queued');
    expect(fileStatus({ ...base, state: 'pending', records: 0 }, false).label).toBe('not indexed yet');
    expect(fileStatus({ ...base, state: 'changed' }, false)).toMatchObject({ label: 'changed since indexed', tone: 'bad' });
    expect(fileStatus({ ...base, state: 'missing' }, false)).toMatchObject({ label: 'missing on disk', tone: 'bad' });
    const crash = { code: 'worker-crashed', offset: 5000, message: 'worker thread stopped' } as const;
    expect(fileStatus({ ...base, state: 'error', records: 5, errors: 1, problem: crash }, false)).toEqual({ label: 'partly read', tone: 'bad', detail: '5 records read before: worker thread stopped' });
  });
});
