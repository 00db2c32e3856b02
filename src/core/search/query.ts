// The search query language: text -> AST -> an FTS5 MATCH expression plus capture filters.
//   words          all must match            "exact phrase"   adjacent words
//   prefix*        words starting so         a OR b           either (binds tighter than the implicit AND)
//   -word -"p q"   must not match            AND              optional, between two terms
//   site:/host:    host and its subdomains   mime:text/html or mime:image/*
//   status:200 or status:4xx                 from:/to: YYYY, YYYY-MM, YYYY-MM-DD (or YYYYMMDD..., digits only)
//   in:main        only pages whose title, description or main content (the article) holds the words
//   in:all         the whole page alike, main content and the rest (navigation, footers) weighed by bm25 alone
//   tag:name       pages tagged so, or with a capture tagged so (the researcher's tags; each tag: given must hold)
//   note:word      pages whose note, or a capture's, holds the word (note:arch* a prefix; each note: must hold)
// Without in:, the words may be anywhere on the page, and pages that hold them in their main content (or title or
// description) rank above those that hold them only in the rest (search/sql.ts rankArms).
// User text never reaches SQL as SQL: every term becomes an FTS5 string literal ("..." with quotes doubled) and every
// filter a bound parameter.
import { CodedError } from '../../shared/errors.js';
import { normalizeTag } from '../../shared/notes.js';
import { FTS_MAIN_COLUMNS } from '../store/schema.js';
import { segmentWords } from './segment.js';

export class QuerySyntaxError extends CodedError {
  declare readonly code: 'query-syntax';
  /** 0-based index into the query text where the problem is. */
  readonly position: number;
  constructor(problem: string, position: number) {
    super('query-syntax', `${problem} (at column ${position + 1})`);
    this.name = 'QuerySyntaxError';
    this.position = position;
  }
}

export interface Term {
  text: string;
  phrase: boolean;
  prefix: boolean;
  position: number;
}

/** One conjunct: any of its alternatives must match (or, when negated, none). */
export interface Clause {
  negated: boolean;
  anyOf: Term[];
}

export type StatusFilter = { exact: number } | { min: number; max: number };

export interface QueryFilters {
  /** Hosts; a capture matches when its host is one of them or a subdomain of one. */
  sites: string[];
  /** Exact types ('text/html') or prefixes ('image/' from 'image/*'). */
  mimes: Array<{ exact: string } | { prefix: string }>;
  statuses: StatusFilter[];
  /** Inclusive 14-digit bounds. */
  from?: string;
  to?: string;
  /** Tags (normalized, shared/notes.ts) a page or its capture must carry: all of them. */
  tags: string[];
  /** Words a note on the page or its capture must hold: each one. */
  notes: Term[];
}

/** Where on a page the words are looked for (in:main, in:all); absent: anywhere, main content ranked first. */
export type QueryScope = 'main' | 'all';

export interface ParsedQuery {
  clauses: Clause[];
  filters: QueryFilters;
  scope?: QueryScope;
}

const FILTER_FIELDS = new Set(['site', 'host', 'mime', 'status', 'from', 'to', 'in', 'tag', 'note']);
const SCOPES: readonly QueryScope[] = ['main', 'all'];
const WORDLIKE = /[\p{L}\p{N}]/u;

interface Token {
  kind: 'term' | 'or' | 'and' | 'filter';
  position: number;
  negated: boolean;
  term?: Term;
  field?: string;
  value?: string;
}

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    if (/\s/.test(q[i])) {
      i++;
      continue;
    }
    const start = i;
    let negated = false;
    if (q[i] === '-' && i + 1 < q.length && !/\s/.test(q[i + 1])) {
      negated = true;
      i++;
    }
    if (q[i] === '"') {
      const close = q.indexOf('"', i + 1);
      if (close < 0) throw new QuerySyntaxError('unclosed quote: add the closing "', i);
      const text = q.slice(i + 1, close);
      i = close + 1;
      let prefix = false;
      if (q[i] === '*') {
        prefix = true;
        i++;
      }
      if (i < q.length && !/\s/.test(q[i])) {
        throw new QuerySyntaxError('a closing quote must be followed by a space', i);
      }
      if (!WORDLIKE.test(text)) throw new QuerySyntaxError('empty phrase: put words between the quotes', start);
      tokens.push({ kind: 'term', position: start, negated, term: { text, phrase: true, prefix, position: start } });
      continue;
    }
    let end = i;
    while (end < q.length && !/\s/.test(q[end])) end++;
    const word = q.slice(i, end);
    const quote = word.indexOf('"');
    if (quote >= 0) {
      throw new QuerySyntaxError('a quote inside a word: put a space before an "exact phrase"', i + quote);
    }
    i = end;
    if (!negated && (word === 'OR' || word === 'AND')) {
      tokens.push({ kind: word === 'OR' ? 'or' : 'and', position: start, negated });
      continue;
    }
    const colon = word.indexOf(':');
    if (colon > 0 && FILTER_FIELDS.has(word.slice(0, colon).toLowerCase())) {
      const field = word.slice(0, colon).toLowerCase();
      if (negated) throw new QuerySyntaxError(`${field}: cannot be negated`, start);
      const value = word.slice(colon + 1);
      if (!value) throw new QuerySyntaxError(`${field}: needs a value, e.g. ${example(field)}`, start);
      tokens.push({ kind: 'filter', position: start, negated, field: field === 'host' ? 'site' : field, value });
      continue;
    }
    let text = word;
    let prefix = false;
    if (text.endsWith('*')) {
      text = text.replace(/\*+$/, '');
      prefix = true;
    }
    const star = text.indexOf('*');
    if (star >= 0) throw new QuerySyntaxError("'*' may only end a word (prefix search)", (negated ? start + 1 : start) + star);
    if (!WORDLIKE.test(text)) {
      const problem = prefix ? "'*' needs letters before it, e.g. arch*" : `'${word}' has no letters or digits to search for`;
      throw new QuerySyntaxError(problem, start);
    }
    tokens.push({ kind: 'term', position: start, negated, term: { text, phrase: false, prefix, position: start } });
  }
  return tokens;
}

function example(field: string): string {
  switch (field) {
    case 'site':
    case 'host':
      return 'site:example.com';
    case 'mime':
      return 'mime:text/html';
    case 'status':
      return 'status:200';
    case 'in':
      return 'in:main';
    case 'tag':
      return 'tag:to-read';
    case 'note':
      return 'note:source';
    default:
      return `${field}:2020-05`;
  }
}

/** Parses query text; throws QuerySyntaxError naming the problem and its position. */
export function parseQuery(q: string): ParsedQuery {
  const tokens = tokenize(q);
  const clauses: Clause[] = [];
  const filters: QueryFilters = { sites: [], mimes: [], statuses: [], tags: [], notes: [] };
  let scope: QueryScope | undefined;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const prev = tokens[k - 1];
    const next = tokens[k + 1];
    if (t.kind === 'filter' && t.field === 'in') {
      const value = t.value!.toLowerCase() as QueryScope;
      if (!SCOPES.includes(value)) throw new QuerySyntaxError(`in: '${t.value}' is not a part of the page (main or all)`, t.position);
      if (scope !== undefined && scope !== value) throw new QuerySyntaxError('in: given twice, as main and as all', t.position);
      scope = value;
    } else if (t.kind === 'filter') {
      addFilter(filters, t.field!, t.value!, t.position);
    } else if (t.kind === 'and') {
      if (prev?.kind !== 'term' || next?.kind !== 'term') {
        throw new QuerySyntaxError('AND needs a search term on both sides', t.position);
      }
    } else if (t.kind === 'or') {
      if (prev?.kind !== 'term' || next?.kind !== 'term') {
        throw new QuerySyntaxError('OR needs a search term on both sides', t.position);
      }
      if (prev.negated || next.negated) {
        throw new QuerySyntaxError('OR cannot join an -exclusion; write -a -b to exclude both', t.position);
      }
    } else {
      const term = t.term!;
      if (prev?.kind === 'or') clauses[clauses.length - 1].anyOf.push(term);
      else clauses.push({ negated: t.negated, anyOf: [term] });
    }
  }
  if (clauses.length > 0 && clauses.every((c) => c.negated)) {
    throw new QuerySyntaxError('a query cannot be only -exclusions: add a word to search for', clauses[0].anyOf[0].position);
  }
  if (clauses.length === 0 && !hasFilters(filters)) {
    throw new QuerySyntaxError('empty query: type words to search for', 0);
  }
  return scope ? { clauses, filters, scope } : { clauses, filters };
}

/** Whether a word of the query is a prefix (`archiv*`): FTS5 merges every word of it wherever it reads the match,
 *  so a page looked up in such a match pays the merge again each time. */
export function holdsPrefix(q: ParsedQuery): boolean {
  return q.clauses.some((c) => c.anyOf.some((term) => term.prefix));
}

export function hasFilters(f: QueryFilters): boolean {
  return f.sites.length + f.mimes.length + f.statuses.length + f.tags.length + f.notes.length > 0 || f.from !== undefined || f.to !== undefined;
}

function addFilter(f: QueryFilters, field: string, value: string, pos: number): void {
  switch (field) {
    case 'site': {
      const host = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/[/:?#].*$/, '').replace(/\.$/, '');
      if (!/^[\p{L}\p{N}_.-]+$/u.test(host) || host.startsWith('.')) {
        throw new QuerySyntaxError(`site: '${value}' is not a host name`, pos);
      }
      f.sites.push(host.toLowerCase());
      return;
    }
    case 'mime': {
      const v = value.toLowerCase();
      if (!/^[a-z0-9!#$&^_.+-]+\/(\*|[a-z0-9!#$&^_.+-]+\*?)$/.test(v) && !/^[a-z0-9!#$&^_.+-]+\/?\*$/.test(v)) {
        throw new QuerySyntaxError(`mime: '${value}' is not a media type (e.g. text/html or image/*)`, pos);
      }
      f.mimes.push(v.endsWith('*') ? { prefix: v.slice(0, -1) } : { exact: v });
      return;
    }
    case 'status': {
      if (/^[1-5]\d\d$/.test(value)) f.statuses.push({ exact: Number(value) });
      else if (/^[1-5]xx$/i.test(value)) f.statuses.push({ min: Number(value[0]) * 100, max: Number(value[0]) * 100 + 99 });
      else throw new QuerySyntaxError(`status: '${value}' is not a status (e.g. 200 or 4xx)`, pos);
      return;
    }
    case 'tag': {
      const tag = normalizeTag(value);
      if (!tag) throw new QuerySyntaxError(`tag: '${value}' is not a tag (letters, digits and _ - . /)`, pos);
      f.tags.push(tag);
      return;
    }
    case 'note': {
      const prefix = value.endsWith('*');
      const text = value.replace(/\*+$/, '');
      if (!WORDLIKE.test(text) || text.includes('*')) throw new QuerySyntaxError(`note: '${value}' is not a word to look for in notes`, pos);
      f.notes.push({ text, phrase: false, prefix, position: pos });
      return;
    }
    case 'from':
    case 'to': {
      const digits = dateDigits(value);
      if (!digits) throw new QuerySyntaxError(`${field}: '${value}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)`, pos);
      if (field === 'from') f.from = digits.padEnd(14, '0');
      else f.to = digits.padEnd(14, '9');
      return;
    }
  }
}

/** 'YYYY', 'YYYY-MM', 'YYYY-MM-DD' or 4..14 digits -> the digits, checked as a calendar prefix; else null. */
function dateDigits(v: string): string | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(v);
  const d = m ? m[1] + (m[2] ?? '') + (m[3] ?? '') : /^\d{4,14}$/.test(v) && v.length % 2 === 0 ? v : null;
  if (!d) return null;
  const month = d.length >= 6 ? Number(d.slice(4, 6)) : 1;
  const day = d.length >= 8 ? Number(d.slice(6, 8)) : 1;
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return d;
}

/** Prefix terms written out as the words of the index that begin with them (an FTS5 OR, search/index.ts
 *  PrefixWords `completions`): the same pages as the prefix, for the uses that do not rank. */
export type Completions = ReadonlyMap<Term, string>;

/** Text as an FTS5 string literal (its quotes doubled), and a prefix of the words that begin with it. */
export function ftsLiteral(text: string, prefix = false): string {
  return `"${text.replace(/"/g, '""')}"${prefix ? '*' : ''}`;
}

/** A term as an FTS5 string literal (also for the notes' index: search/sql.ts), or its completions when given. */
export function ftsTerm(t: Term, completions?: Completions): string {
  const completed = completions?.get(t);
  if (completed !== undefined) return completed;
  // Same segmentation as at index time, so a CJK word typed without spaces meets the words the index holds.
  return ftsLiteral(segmentWords(t.text).trim(), t.prefix);
}

/** The words of a phrase of several words, each as an FTS5 string literal, segmented as ftsTerm segments the phrase:
 *  a page that holds the phrase holds every one of them (each is a run of the phrase's tokens). Empty for any other
 *  term. */
export function phraseWordTerms(t: Term): string[] {
  if (!t.phrase || t.prefix) return [];
  const words = segmentWords(t.text).trim().split(/\s+/).filter((w) => WORDLIKE.test(w));
  return words.length > 1 ? words.map((w) => ftsLiteral(w)) : [];
}

function ftsClause(c: Clause, completions?: Completions): string {
  const alts = c.anyOf.map((t) => ftsTerm(t, completions));
  return alts.length === 1 ? alts[0] : `(${alts.join(' OR ')})`;
}

/** The FTS5 MATCH expression for the query's words, or null when it has only filters. In the main content (in:main),
 *  the words must be in the title, description or main content; an -exclusion still excludes a page that has the
 *  word anywhere. */
export function toFtsMatch(q: ParsedQuery, completions?: Completions): string | null {
  const pos = q.clauses.filter((c) => !c.negated).map((c) => ftsClause(c, completions));
  if (pos.length === 0) return null;
  const neg = q.clauses.filter((c) => c.negated).map((c) => ftsClause(c, completions));
  let expr = pos.length === 1 ? pos[0] : `(${pos.join(' AND ')})`;
  if (q.scope === 'main') expr = `${FTS_MAIN_COLUMNS} : (${expr})`;
  for (const n of neg) expr += ` NOT ${n}`;
  return expr;
}

/** A test that a page may match mainFirstMatch(q), cheaper at one page and never false where that one is true: each
 *  phrase of several words as its words, each anywhere in the main columns, and the exclusions left out. FTS5 tests a
 *  phrase held to columns at one page by first copying each of its words' positions in those columns: at a million
 *  pages, "weird the" on pages with 'the' thousands of times took 0.29 ms a page, its two words 0.07. Null when the
 *  query has no such phrase (the test would be mainFirstMatch's own). */
export function mainWordsMatch(q: ParsedQuery, completions?: Completions): string | null {
  if (q.scope !== undefined) return null;
  const positive = q.clauses.filter((c) => !c.negated);
  if (!positive.some((c) => c.anyOf.some((t) => phraseWordTerms(t).length > 0))) return null;
  const clauses = positive.map((c) => {
    const alts = c.anyOf.map((t) => {
      const words = phraseWordTerms(t);
      return words.length > 0 ? `(${words.join(' AND ')})` : ftsTerm(t, completions);
    });
    return alts.length === 1 ? alts[0] : `(${alts.join(' OR ')})`;
  });
  return `${FTS_MAIN_COLUMNS} : (${clauses.length === 1 ? clauses[0] : clauses.join(' AND ')})`;
}

/** For a query ranked main content first (no in:), the MATCH of the pages that hold its words in their main content:
 *  they rank above the others. Null when the query has no words, or its scope ranks the page as a whole. */
export function mainFirstMatch(q: ParsedQuery, completions?: Completions): string | null {
  return q.scope === undefined ? toFtsMatch({ ...q, scope: 'main' }, completions) : null;
}
