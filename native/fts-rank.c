/* ArchiveStream's ranking function for FTS5, a SQLite loadable extension (built by native/fts-rank.mjs at install;
 * loaded by src/core/store/fts-rank.ts on every connection where it was built; without it search ranks with FTS5's
 * own bm25, in the same order).
 *
 * as_bm25(fts, w0..wN-1 [, docs0..docsP-1]) scores a row as FTS5's bm25(fts, w0..wN-1) does (fts5_aux.c: k1 1.2,
 * b 0.75, the column weights, each phrase's frequency in the row, the row's length against the average), with each
 * phrase's IDF from the row count it is given where bm25 counts the phrase's rows by walking its doclist over the
 * whole table, once per statement: at a million pages that walk is most of a ranked phrase's time. Given the counts
 * bm25 finds, the scores are bm25's to the last bit (bench/index/own-rank.ts checks). Given none, every IDF is 1: for
 * a match of one positive phrase (any others only under NOT, which have no instances in a row it matches) bm25's
 * IDF is one factor on every row's score, so the order is bm25's without the count; search uses it so
 * (search/sql.ts Scoring).
 * as_docs(fts, i) gives phrase i's row count as bm25 counts it, and as_phrases(fts) how many phrases the match has:
 * for the bench, which passes bm25's own counts to compare the scores. as_columns(fts, i), below, says in which
 * columns phrase i is, and as_words(fts, prefix) which words of the row begin with a prefix. */
#include <math.h>
#include <string.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1

#define MAX_PHRASES 64

static void asBm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nVal, sqlite3_value **apVal) {
  const double k1 = 1.2, b = 0.75;
  int nCol = api->xColumnCount(fts), nPhrase = api->xPhraseCount(fts), nInst = 0, nTok = 0;
  if (nPhrase > MAX_PHRASES) {
    sqlite3_result_error(ctx, "as_bm25: too many phrases", -1);
    return;
  }
  /* Once a statement: the average row length and each phrase's IDF, as fts5Bm25GetData computes them. */
  double *data = (double *)api->xGetAuxdata(fts, 0);
  if (!data) {
    sqlite3_int64 nRow = 0, nTotal = 0;
    if (api->xRowCount(fts, &nRow) != SQLITE_OK || api->xColumnTotalSize(fts, -1, &nTotal) != SQLITE_OK) {
      sqlite3_result_error(ctx, "as_bm25: no table statistics", -1);
      return;
    }
    data = (double *)sqlite3_malloc64(sizeof(double) * (sqlite3_uint64)(1 + nPhrase));
    if (!data) {
      sqlite3_result_error_nomem(ctx);
      return;
    }
    data[0] = nRow > 0 ? (double)nTotal / (double)nRow : 1.0;
    for (int i = 0; i < nPhrase; i++) {
      if (nCol + i >= nVal) {
        data[1 + i] = 1.0;
        continue;
      }
      sqlite3_int64 nHit = sqlite3_value_int64(apVal[nCol + i]);
      double idf = log((nRow - nHit + 0.5) / (nHit + 0.5));
      data[1 + i] = idf <= 0.0 ? 1e-6 : idf;
    }
    api->xSetAuxdata(fts, data, sqlite3_free);
  }
  double freq[MAX_PHRASES] = {0};
  api->xInstCount(fts, &nInst);
  for (int i = 0; i < nInst; i++) {
    int ip, ic, io;
    if (api->xInst(fts, i, &ip, &ic, &io) != SQLITE_OK) break;
    freq[ip] += ic < nVal ? sqlite3_value_double(apVal[ic]) : 1.0;
  }
  api->xColumnSize(fts, -1, &nTok);
  double score = 0.0;
  for (int i = 0; i < nPhrase; i++) {
    score += data[1 + i] * ((freq[i] * (k1 + 1.0)) / (freq[i] + k1 * (1 - b + b * (double)nTok / data[0])));
  }
  sqlite3_result_double(ctx, -1.0 * score);
}

static int countRow(const Fts5ExtensionApi *api, Fts5Context *fts, void *user) {
  (void)api;
  (void)fts;
  (*(sqlite3_int64 *)user)++;
  return SQLITE_OK;
}

static void asDocs(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nVal, sqlite3_value **apVal) {
  sqlite3_int64 n = 0;
  int i = nVal > 0 ? sqlite3_value_int(apVal[0]) : 0;
  if (i < 0 || i >= api->xPhraseCount(fts) || api->xQueryPhrase(fts, i, &n, countRow) != SQLITE_OK) {
    sqlite3_result_error(ctx, "as_docs: no such phrase", -1);
    return;
  }
  sqlite3_result_int64(ctx, n);
}

/* as_columns(fts, i): the columns in which phrase i has an instance in the row, as a mask (column c: 1 << c). Where a
 * match has one positive phrase, whether that phrase is in some columns of a row is whether the row matches the
 * phrase held to them: search reads it with each row of a window instead of looking each row up again. */
static void asColumns(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nVal, sqlite3_value **apVal) {
  int i = nVal > 0 ? sqlite3_value_int(apVal[0]) : 0, col = -1;
  Fts5PhraseIter it;
  if (i < 0 || i >= api->xPhraseCount(fts) || api->xPhraseFirstColumn(fts, i, &it, &col) != SQLITE_OK) {
    sqlite3_result_error(ctx, "as_columns: no such phrase", -1);
    return;
  }
  sqlite3_int64 mask = 0;
  for (; col >= 0; api->xPhraseNextColumn(fts, &it, &col)) {
    if (col < 63) mask |= (sqlite3_int64)1 << col;
  }
  sqlite3_result_int64(ctx, mask);
}

static void asPhrases(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nVal, sqlite3_value **apVal) {
  (void)nVal;
  (void)apVal;
  sqlite3_result_int(ctx, api->xPhraseCount(fts));
}

/* as_words(fts, prefix): the distinct words of the row (every column, as the table's tokenizer makes them: folded as
 * they were indexed) that begin with `prefix` (already folded, bytes), one a line in the order first met; '' for none.
 * Whether a page holds a prefix, for one page: FTS5 asked it (MATCH 'con*' AND rowid = ?) merges the whole prefix's
 * doclists first, 0.85-1.55 s at a million pages, where this reads the page's text once (search/index.ts matchTest).
 * The words met are kept in a hash set (a page of a dictionary may hold thousands beginning with one letter). */
typedef struct {
  const char *prefix;
  int nPrefix;
  sqlite3_str *out;
  int *starts, *lens, n, cap; /* the words listed: their offsets in `out` and lengths */
  int *slots, nSlot;          /* open addressing: 1 + a word's index, 0 for none */
} WordsOf;

static unsigned hashOf(const char *z, int n) {
  unsigned h = 2166136261u;
  for (int i = 0; i < n; i++) h = (h ^ (unsigned char)z[i]) * 16777619u;
  return h;
}

/* Grows the list and the hash set to hold one word more; SQLITE_NOMEM when it cannot. */
static int wordsRoom(WordsOf *w) {
  if (w->n < w->cap) return SQLITE_OK;
  int cap = w->cap ? w->cap * 2 : 16;
  int *starts = (int *)sqlite3_realloc64(w->starts, sizeof(int) * (sqlite3_uint64)cap);
  if (!starts) return SQLITE_NOMEM;
  w->starts = starts;
  int *lens = (int *)sqlite3_realloc64(w->lens, sizeof(int) * (sqlite3_uint64)cap);
  if (!lens) return SQLITE_NOMEM;
  w->lens = lens;
  w->cap = cap;
  int nSlot = cap * 2;
  int *slots = (int *)sqlite3_malloc64(sizeof(int) * (sqlite3_uint64)nSlot);
  if (!slots) return SQLITE_NOMEM;
  memset(slots, 0, sizeof(int) * (size_t)nSlot);
  const char *seen = sqlite3_str_value(w->out);
  for (int i = 0; i < w->n; i++) {
    unsigned h = hashOf(seen + w->starts[i], w->lens[i]) & (unsigned)(nSlot - 1);
    while (slots[h]) h = (h + 1) & (unsigned)(nSlot - 1);
    slots[h] = i + 1;
  }
  sqlite3_free(w->slots);
  w->slots = slots;
  w->nSlot = nSlot;
  return SQLITE_OK;
}

static int wordOf(void *user, int flags, const char *tok, int nTok, int iStart, int iEnd) {
  (void)flags;
  (void)iStart;
  (void)iEnd;
  WordsOf *w = (WordsOf *)user;
  if (nTok < w->nPrefix || memcmp(tok, w->prefix, (size_t)w->nPrefix) != 0) return SQLITE_OK;
  int rc = wordsRoom(w);
  if (rc != SQLITE_OK) return rc;
  const char *seen = sqlite3_str_value(w->out);
  unsigned h = hashOf(tok, nTok) & (unsigned)(w->nSlot - 1);
  for (; w->slots[h]; h = (h + 1) & (unsigned)(w->nSlot - 1)) {
    int i = w->slots[h] - 1;
    if (w->lens[i] == nTok && memcmp(seen + w->starts[i], tok, (size_t)nTok) == 0) return SQLITE_OK;
  }
  w->slots[h] = w->n + 1;
  if (w->n > 0) sqlite3_str_appendchar(w->out, 1, '\n');
  w->starts[w->n] = sqlite3_str_length(w->out);
  w->lens[w->n++] = nTok;
  sqlite3_str_append(w->out, tok, nTok);
  return sqlite3_str_errcode(w->out);
}

static void asWords(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nVal, sqlite3_value **apVal) {
  if (nVal < 1 || sqlite3_value_type(apVal[0]) == SQLITE_NULL) {
    sqlite3_result_error(ctx, "as_words: no prefix", -1);
    return;
  }
  WordsOf w = {(const char *)sqlite3_value_text(apVal[0]), sqlite3_value_bytes(apVal[0]), sqlite3_str_new(0), 0, 0, 0, 0, 0, 0};
  int rc = SQLITE_OK;
  for (int c = 0; c < api->xColumnCount(fts) && rc == SQLITE_OK; c++) {
    const char *z = 0;
    int n = 0;
    rc = api->xColumnText(fts, c, &z, &n);
    if (rc == SQLITE_OK && z && n > 0) rc = api->xTokenize(fts, z, n, &w, wordOf);
  }
  sqlite3_free(w.starts);
  sqlite3_free(w.lens);
  sqlite3_free(w.slots);
  int len = sqlite3_str_length(w.out);
  char *text = sqlite3_str_finish(w.out);
  if (rc != SQLITE_OK) {
    sqlite3_free(text);
    sqlite3_result_error_code(ctx, rc);
  } else if (text) {
    sqlite3_result_text(ctx, text, len, sqlite3_free);
  } else {
    sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
  }
}

/* The entry point SQLite derives from the file name fts-rank (letters after the last slash, up to the first dot,
 * lower-cased, less any "lib" prefix: "ftsrank"). */
#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_ftsrank_init(sqlite3 *db, char **err, const sqlite3_api_routines *pApi) {
  SQLITE_EXTENSION_INIT2(pApi);
  fts5_api *fts5 = 0;
  sqlite3_stmt *st = 0;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, 0) != SQLITE_OK) return SQLITE_ERROR;
  sqlite3_bind_pointer(st, 1, (void *)&fts5, "fts5_api_ptr", 0);
  sqlite3_step(st);
  sqlite3_finalize(st);
  if (!fts5) {
    *err = sqlite3_mprintf("fts-rank: this SQLite has no FTS5");
    return SQLITE_ERROR;
  }
  int rc = fts5->xCreateFunction(fts5, "as_bm25", 0, asBm25, 0);
  if (rc == SQLITE_OK) rc = fts5->xCreateFunction(fts5, "as_docs", 0, asDocs, 0);
  if (rc == SQLITE_OK) rc = fts5->xCreateFunction(fts5, "as_columns", 0, asColumns, 0);
  if (rc == SQLITE_OK) rc = fts5->xCreateFunction(fts5, "as_words", 0, asWords, 0);
  return rc == SQLITE_OK ? fts5->xCreateFunction(fts5, "as_phrases", 0, asPhrases, 0) : rc;
}
