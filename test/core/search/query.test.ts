// The query language (issue "Collections and offline full-text search": query.ts parse -> AST -> FTS5 MATCH + filters).
import { describe, expect, it } from 'vitest';
import { parseQuery, QuerySyntaxError, toFtsMatch } from '../../../src/core/search/query.js';
import { buildDateHitsSql } from '../../../src/core/search/sql.js';

function syntaxError(q: string): QuerySyntaxError {
  try {
    parseQuery(q);
  } catch (e) {
    expect(e).toBeInstanceOf(QuerySyntaxError);
    return e as QuerySyntaxError;
  }
  throw new Error(`expected a syntax error for ${q}`);
}

describe('parseQuery / toFtsMatch', () => {
  it('words must all match; each is an FTS5 string, so FTS syntax in user text stays text', () => {
    expect(toFtsMatch(parseQuery('web archive'))).toBe('("web" AND "archive")');
    expect(toFtsMatch(parseQuery('NEAR(a b) col:x'))).toBe('("NEAR(a" AND "b)" AND "col:x")');
  });
  it('phrases, prefixes, OR and exclusions', () => {
    expect(toFtsMatch(parseQuery('"exact phrase" arch*'))).toBe('("exact phrase" AND "arch"*)');
    expect(toFtsMatch(parseQuery('cat OR dog fish'))).toBe('(("cat" OR "dog") AND "fish")');
    expect(toFtsMatch(parseQuery('cat -dog -"big fish"'))).toBe('"cat" NOT "dog" NOT "big fish"');
    expect(toFtsMatch(parseQuery('a AND b'))).toBe('("a" AND "b")');
    expect(toFtsMatch(parseQuery('lower or'))).toBe('("lower" AND "or")');
  });
  it('FTS5 operators and punctuation inside a phrase stay literal text', () => {
    expect(toFtsMatch(parseQuery('"it\'s NOT (big)*"'))).toBe('"it\'s NOT (big)*"');
  });
  it('CJK words are segmented the same way as at index time', () => {
    expect(toFtsMatch(parseQuery('东京大学'))).toBe('"东京 大学"');
  });
  it('in:main holds the words to the title, description and main content; in:all and no in: match anywhere', () => {
    expect(toFtsMatch(parseQuery('zebra in:main'))).toBe('{title description main} : ("zebra")');
    expect(toFtsMatch(parseQuery('in:MAIN a b -c'))).toBe('{title description main} : (("a" AND "b")) NOT "c"');
    expect(parseQuery('zebra in:all').scope).toBe('all');
    expect(toFtsMatch(parseQuery('zebra in:all'))).toBe('"zebra"');
    expect(parseQuery('zebra').scope).toBeUndefined();
    expect(syntaxError('zebra in:menu').message).toMatch(/in: 'menu' is not a part of the page \(main or all\)/);
    expect(syntaxError('zebra in:main in:all').position).toBe(14);
    expect(syntaxError('zebra in:').message).toMatch(/in: needs a value, e.g. in:main/);
  });
  it('field filters', () => {
    const q = parseQuery('news site:Example.COM host:b.org mime:image/* mime:text/html status:4xx status:200 from:2020-05 to:2021');
    expect(q.filters.sites).toEqual(['example.com', 'b.org']);
    expect(q.filters.mimes).toEqual([{ prefix: 'image/' }, { exact: 'text/html' }]);
    expect(q.filters.statuses).toEqual([{ min: 400, max: 499 }, { exact: 200 }]);
    expect(q.filters.from).toBe('20200500000000');
    expect(q.filters.to).toBe('20219999999999');
    expect(parseQuery('from:2020-05-17').filters.from).toBe('20200517000000');
    expect(parseQuery('site:https://www.example.com/path').filters.sites).toEqual(['www.example.com']);
  });
  it('a query of filters only is allowed (browse)', () => {
    expect(toFtsMatch(parseQuery('site:example.com'))).toBeNull();
  });
  it('malformed queries give query-syntax errors naming problem and position', () => {
    const cases: Array<[string, RegExp, number]> = [
      ['"foo', /unclosed quote/, 0],
      ['a"b', /quote inside a word/, 1],
      ['AND', /AND needs a search term on both sides/, 0],
      ['*', /'\*' needs letters/, 0],
      ['site:', /site: needs a value/, 0],
      ['x site:', /site: needs a value/, 2],
      ['-foo -bar', /only -exclusions/, 0],
      ['foo OR', /OR needs a search term/, 4],
      ['from:2020-13', /not a date/, 0],
      ['status:abc', /not a status/, 0],
      ['wo*rd', /may only end a word/, 2],
      ['', /empty query/, 0],
      ['"foo"bar', /closing quote must be followed by a space/, 5],
    ];
    for (const [q, msg, pos] of cases) {
      const e = syntaxError(q);
      expect(e.code).toBe('query-syntax');
      expect(e.message, q).toMatch(msg);
      expect(e.position, q).toBe(pos);
      expect(e.message).toMatch(new RegExp(`column ${pos + 1}`));
    }
  });
  it('user text is a bound parameter, never part of the SQL text (CONTRIBUTING.md, "SQL")', () => {
    const { sql, params } = buildDateHitsSql(parseQuery("robert'); DROP TABLE pages;-- site:evil.com"), {
      limit: 10, offset: 0,
    });
    expect(sql).not.toMatch(/robert|DROP|evil/);
    expect(Object.values(params).join(' ')).toMatch(/robert/);
  });
});
