// The notes, tags and saved-search methods (issue 18) through dispatch, as the UI calls them: a note and tags on a
// page and on one capture, found by tag: and note:, listed, carried by export.results; saved searches; and a PDF's
// page count in record.text.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, type RecordSpec } from '../core/ingest/warc-builder.js';
import { engineWithCollection } from './harness.js';

const PDF = join(__dirname, '../../../shared/corpus/pdf/004-pdflatex-4-pages/pdflatex-4-pages.pdf');

let e: Awaited<ReturnType<typeof engineWithCollection>>;
beforeAll(async () => {
  const page = html('Quagga field notes', 'the quagga was a zebra of the plains');
  const records: RecordSpec[] = [
    { uri: 'http://example.com/quagga', date: '2020-01-01T00:00:00Z', body: page },
    { uri: 'http://example.com/quagga', date: '2021-01-01T00:00:00Z', body: page },
    { uri: 'http://example.com/okapi', date: '2020-02-01T00:00:00Z', body: html('Okapi', 'the okapi lives in forests, unlike the quagga') },
  ];
  if (existsSync(PDF)) records.push({ uri: 'http://example.com/paper.pdf', date: '2020-03-01T00:00:00Z', contentType: 'application/pdf', body: readFileSync(PDF) });
  e = await engineWithCollection('as-engine-notes-', records);
}, 60_000);
afterAll(() => e?.close());

const collection = 'c';
const hitsOf = async (q: string) => (await e.call('search.query', { collection, q })).hits;

describe('notes and tags through the API', () => {
  it('puts a note and tags on a page and on one capture, and finds them with tag: and note:', async () => {
    const timeline = await e.call('captures.timeline', { collection, url: 'http://example.com/quagga' });
    expect(timeline).toHaveLength(2);
    const [older, newer] = timeline;
    expect(await e.call('notes.get', { collection, captureId: older.id })).toEqual({
      captureId: older.id, page: { note: null, tags: [] }, capture: { note: null, tags: [] },
    });
    await e.call('tags.add', { collection, captureId: older.id, scope: 'page', tag: 'Extinct' });
    await e.call('notes.set', { collection, captureId: older.id, scope: 'capture', note: 'first capture, before the redesign' });
    const both = await e.call('tags.add', { collection, captureId: older.id, scope: 'capture', tag: 'first' });
    expect(both).toEqual({
      captureId: older.id, page: { note: null, tags: ['extinct'] }, capture: { note: 'first capture, before the redesign', tags: ['first'] },
    });
    // The page's tag shows from its other capture too; the capture's own does not.
    expect(await e.call('notes.get', { collection, captureId: newer.id })).toMatchObject({ page: { tags: ['extinct'] }, capture: { tags: [] } });

    expect((await hitsOf('tag:extinct')).map((h) => h.capture.id)).toEqual([newer.id]);
    expect((await hitsOf('tag:first')).map((h) => h.capture.id)).toEqual([older.id]);
    expect((await hitsOf('quagga tag:extinct')).map((h) => h.url)).toEqual(['http://example.com/quagga']);
    expect((await hitsOf('note:redesign')).map((h) => h.capture.id)).toEqual([older.id]);
    expect((await e.call('search.facets', { collection, q: 'quagga tag:extinct' })).total).toBe(1);
    expect(await e.call('tags.list', { collection })).toEqual([{ tag: 'extinct', count: 1 }, { tag: 'first', count: 1 }]);

    await e.call('tags.remove', { collection, captureId: newer.id, scope: 'page', tag: 'extinct' });
    expect(await hitsOf('tag:extinct')).toEqual([]);
  });

  it('refuses a bad tag, an unknown scope and an unknown capture with codes the UI can show', async () => {
    const [c] = await e.call('captures.timeline', { collection, url: 'http://example.com/okapi' });
    expect((await e.fail('tags.add', { collection, captureId: c.id, scope: 'page', tag: 'has space' })).code).toBe('bad-request');
    expect((await e.fail('tags.add', { collection, captureId: c.id, scope: 'site', tag: 'x' })).code).toBe('bad-request');
    expect((await e.fail('notes.set', { collection, captureId: 999_999, scope: 'page', note: 'x' })).code).toBe('record-not-found');
    expect((await e.fail('search.query', { collection, q: 'tag:"x y"' })).code).toBe('query-syntax');
  });

  it('exports each hit with its tags and notes in CSV and JSONL', async () => {
    const [okapi] = await e.call('captures.timeline', { collection, url: 'http://example.com/okapi' });
    await e.call('tags.add', { collection, captureId: okapi.id, scope: 'page', tag: 'forest' });
    await e.call('notes.set', { collection, captureId: okapi.id, scope: 'page', note: 'says "unlike", see p. 2' });
    const jsonl = await e.call('export.results', { collection, q: 'okapi', format: 'jsonl' });
    expect(JSON.parse(jsonl.content.trim())).toMatchObject({ url: 'http://example.com/okapi', tags: ['forest'], pageNote: 'says "unlike", see p. 2', captureNote: null });
    const csv = (await e.call('export.results', { collection, q: 'okapi', format: 'csv' })).content.trim().split('\n');
    expect(csv[0].split(',').slice(-3)).toEqual(['tags', 'page_note', 'capture_note']);
    expect(csv[1].endsWith(',forest,"says ""unlike"", see p. 2",')).toBe(true);
  });
});

describe('saved searches through the API', () => {
  it('saves, lists, reruns and deletes a search with its filters and sort', async () => {
    const saved = await e.call('searches.save', { collection, name: 'Quaggas in 2021', q: 'quagga from:2021', sort: 'date' });
    expect(saved).toEqual([expect.objectContaining({ name: 'Quaggas in 2021', query: 'quagga from:2021', sort: 'date' })]);
    const [s] = await e.call('searches.list', { collection });
    const rerun = await e.call('search.query', { collection, q: s.query, sort: s.sort });
    expect(rerun.hits.map((h) => h.timestamp)).toEqual(['20210101000000']);
    expect(await e.call('searches.delete', { collection, id: s.id })).toEqual([]);
  });
});

describe.skipIf(!existsSync(PDF))('a PDF in the record viewer', () => {
  it('gives its text and page count', async () => {
    const [pdf] = await e.call('captures.timeline', { collection, url: 'http://example.com/paper.pdf' });
    const t = await e.call('record.text', { collection, captureId: pdf.id });
    expect(t.pageCount).toBe(4);
    expect(t.text).toContain('Huardest gefburn');
    const [html] = await e.call('captures.timeline', { collection, url: 'http://example.com/okapi' });
    expect((await e.call('record.text', { collection, captureId: html.id })).pageCount).toBeNull();
  });
});
