/*
 * The SQLite baseline: the statements the SQLite backend prepares, run
 * directly on sqlite3 with the backend's connection settings (WAL, the same
 * synchronous level, the same busy timeout), one connection per thread,
 * every statement prepared once. A create is the backend's transaction:
 * BEGIN IMMEDIATE, the row, its words, COMMIT.
 *
 * The SQL below is copied from libmsg/backends/sqlite (sqlite_insert.c,
 * sqlite_shape.c), and so is how a text search chooses its statement
 * (sqlite_text.c). guard.c records what both sides prepare and msg-bench
 * fails when a baseline statement is not one libmsg prepared, so a change in
 * the backend cannot silently turn this into a different workload.
 */
#include "impl.h"

#include "rows_copy.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COLUMNS "message_id, account_id, sender_number, receiver_number, body, created_at"
#define SELECT "SELECT " COLUMNS " FROM messages WHERE 1"
#define ORDER " ORDER BY created_at DESC, message_id DESC LIMIT ?10"

enum {
  S_LIST,
  S_LIST_AFTER,
  S_GET,
  S_SENDER,
  S_TIME,
  S_TEXT,
  S_TEXT_WALK,
  S_TEXT_BOUNDS,
  S_TEXT_COUNT,
  S_TEXT_NEWEST,
  S_COUNT
};

static const char *const search_sql[S_COUNT] = {
    [S_LIST] = SELECT " AND account_id = ?1" ORDER,
    [S_LIST_AFTER] = SELECT " AND account_id = ?1 AND (created_at, message_id) < (?8, ?9)" ORDER,
    [S_GET] = SELECT " AND message_id = ?2" ORDER,
    [S_SENDER] = SELECT " AND sender_number = ?3" ORDER,
    [S_TIME] = SELECT " AND created_at > ?5 AND created_at < ?6" ORDER,
    [S_TEXT] =
        SELECT " AND seq IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?7)" ORDER,
    /* A text search runs one of the two statements above and below, chosen
     * per query as sqlite_text.c chooses, by the three after them. */
    [S_TEXT_WALK] = SELECT " AND CASE WHEN seq < ?11"
                           " THEN +seq IN (SELECT rowid FROM messages_fts"
                           " WHERE messages_fts MATCH ?7 AND rowid < ?11)"
                           " WHEN seq > ?12"
                           " THEN +seq IN (SELECT rowid FROM messages_fts"
                           " WHERE messages_fts MATCH ?7 AND rowid > ?12)"
                           " ELSE +seq IN (SELECT rowid FROM messages_fts"
                           " WHERE messages_fts MATCH ?7 AND rowid >= ?11 AND rowid <= ?12)"
                           " END" ORDER,
    [S_TEXT_BOUNDS] = "SELECT (SELECT max(seq) FROM messages),"
                      " (SELECT seq FROM messages WHERE created_at <= ?1"
                      " ORDER BY created_at DESC, message_id DESC LIMIT 1)",
    [S_TEXT_COUNT] = "SELECT count(*) FROM (SELECT 1 FROM messages_fts"
                     " WHERE messages_fts MATCH ?1 LIMIT ?2)",
    [S_TEXT_NEWEST] = "SELECT count(*), min(rowid) FROM (SELECT rowid FROM messages_fts"
                      " WHERE messages_fts MATCH ?1 AND rowid <= ?2"
                      " ORDER BY rowid DESC LIMIT ?3)",
};

static const char insert_sql[] =
    "INSERT INTO messages (message_id, account_id, sender_number, receiver_number, body,"
    " created_at, idempotency_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (account_id, idempotency_key) DO NOTHING";
static const char insert_fts_sql[] = "INSERT INTO messages_fts (rowid, words) VALUES (?1, ?2)";

typedef struct sqlite_session {
  sqlite3 *db;
  sqlite3_stmt *begin, *commit, *rollback, *insert, *insert_fts;
  sqlite3_stmt *search[S_COUNT];
  bench_rng rng;
  /* The cursor walk: the last row of the previous page. */
  bool walking;
  int64_t walk_account, walk_time;
  char walk_id[MSG_ID_LEN + 1];
  unsigned int depth;
  char error[BENCH_ERROR_SIZE];
} sqlite_session;

static int fail(sqlite_session *s, const char *doing) {
  snprintf(s->error, sizeof s->error, "sqlite baseline %s: %s", doing, sqlite3_errmsg(s->db));
  return -1;
}

static void session_close(void *session) {
  sqlite_session *s = session;
  if (!s)
    return;
  sqlite3_finalize(s->begin);
  sqlite3_finalize(s->commit);
  sqlite3_finalize(s->rollback);
  sqlite3_finalize(s->insert);
  sqlite3_finalize(s->insert_fts);
  for (int i = 0; i < S_COUNT; i++)
    sqlite3_finalize(s->search[i]);
  sqlite3_close(s->db);
  free(s);
}

/* Prepares on first use, as the backend does, so that the guard sees only
 * the statements the operations being measured need. */
static int prepare(sqlite_session *s, sqlite3_stmt **stmt, const char *sql) {
  if (*stmt)
    return 0;
  int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL);
  return rc == SQLITE_OK ? 0 : fail(s, "preparing");
}

static int session_open(void **out, const bench_target *target, char error[BENCH_ERROR_SIZE]) {
  static unsigned int sessions;
  sqlite_session *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(error, BENCH_ERROR_SIZE, "out of memory");
    return -1;
  }
  s->rng = msg__gen_stream((uint64_t)time(NULL), sessions++, 11);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  int rc = sqlite3_open_v2(target->path, &s->db, flags, NULL) == SQLITE_OK ? 0 : -1;
  if (rc == 0) {
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 5000);
    if (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db,
                     target->sync_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL",
                     NULL, NULL, NULL) != SQLITE_OK)
      rc = -1;
  }
  if (rc != 0) {
    snprintf(error, BENCH_ERROR_SIZE, "sqlite baseline: opening %s: %s", target->path,
             s->db ? sqlite3_errmsg(s->db) : "out of memory");
    session_close(s);
    return -1;
  }
  *out = s;
  return 0;
}

/* Steps a statement that returns no rows; resets it. */
static int run(sqlite_session *s, sqlite3_stmt *stmt, const char *doing) {
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  return rc == SQLITE_DONE ? 0 : fail(s, doing);
}

static int64_t now_micros(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int insert_rows(sqlite_session *s, const bench_item *item) {
  char id[MSG_ID_LEN + 1];
  int64_t created_at = now_micros();
  msg__gen_uuid_v7(id, created_at, &s->rng);
  sqlite3_stmt *st = s->insert;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, item->account_id);
  sqlite3_bind_text(st, 3, item->sender, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, item->receiver, -1, SQLITE_STATIC);
  if (item->body)
    sqlite3_bind_text(st, 5, item->body, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 5);
  sqlite3_bind_int64(st, 6, created_at);
  sqlite3_bind_null(st, 7);
  int rc = run(s, st, "inserting");
  sqlite3_clear_bindings(st);
  if (rc != 0 || item->words[0] == '\0')
    return rc;
  sqlite3_bind_int64(s->insert_fts, 1, sqlite3_last_insert_rowid(s->db));
  sqlite3_bind_text(s->insert_fts, 2, item->words, -1, SQLITE_STATIC);
  rc = run(s, s->insert_fts, "indexing words");
  sqlite3_clear_bindings(s->insert_fts);
  return rc;
}

static int create(void *session, const bench_item *item) {
  sqlite_session *s = session;
  if (prepare(s, &s->begin, "BEGIN IMMEDIATE") || prepare(s, &s->commit, "COMMIT") ||
      prepare(s, &s->rollback, "ROLLBACK") || prepare(s, &s->insert, insert_sql) ||
      prepare(s, &s->insert_fts, insert_fts_sql))
    return -1;
  int rc = run(s, s->begin, "beginning");
  if (rc == 0)
    rc = insert_rows(s, item);
  if (rc == 0)
    rc = run(s, s->commit, "committing");
  if (rc != 0 && !sqlite3_get_autocommit(s->db)) {
    sqlite3_step(s->rollback);
    sqlite3_reset(s->rollback);
  }
  return rc;
}

/* Steps a bound SELECT and copies out every row. */
static int fetch(sqlite_session *s, sqlite3_stmt *st, size_t limit, bench_page *out) {
  bench_rows rows = {0};
  int rc, status = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    bench_row row = {
        (const char *)sqlite3_column_text(st, 0),
        sqlite3_column_int64(st, 1),
        (const char *)sqlite3_column_text(st, 2),
        (const char *)sqlite3_column_text(st, 3),
        sqlite3_column_type(st, 4) == SQLITE_NULL ? NULL : (const char *)sqlite3_column_text(st, 4),
        sqlite3_column_int64(st, 5),
    };
    if (msg__rows_copy_push(&rows, &row) != 0) {
      snprintf(s->error, sizeof s->error, "sqlite baseline: out of memory");
      status = -1;
      break;
    }
  }
  if (status == 0 && rc != SQLITE_DONE)
    status = fail(s, "querying");
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (status == 0) {
    msg__rows_copy_page(&rows, limit, out);
    if (rows.count > 0 && out->count > 0) {
      const bench_row *last = &rows.items[out->count - 1];
      s->walk_time = last->created_at;
      memcpy(s->walk_id, last->message_id, MSG_ID_LEN + 1);
    }
  }
  msg__rows_copy_free(&rows);
  return status;
}

static int get(void *session, const bench_item *item, bench_page *out) {
  sqlite_session *s = session;
  if (prepare(s, &s->search[S_GET], search_sql[S_GET]))
    return -1;
  sqlite3_stmt *st = s->search[S_GET];
  sqlite3_bind_text(st, 2, item->message_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 10, 1);
  int rc = fetch(s, st, 1, out);
  if (rc == 0 && out->count != 1) {
    snprintf(s->error, sizeof s->error, "sqlite baseline: no message %s", item->message_id);
    rc = -1;
  }
  return rc;
}

/* An FTS5 query requiring every word, each quoted as a string ("" escapes
 * a quote), as the backend writes it. */
static char *match_expression(const char *words) {
  size_t len = strlen(words);
  char *out = malloc(2 * len + 3 * (len + 1) + 1);
  if (!out)
    return NULL;
  size_t o = 0;
  out[o++] = '"';
  for (const char *p = words; *p; p++) {
    if (*p == ' ') {
      memcpy(out + o, "\" \"", 3);
      o += 3;
    } else if (*p == '"') {
      out[o++] = '"';
      out[o++] = '"';
    } else {
      out[o++] = *p;
    }
  }
  out[o++] = '"';
  out[o] = '\0';
  return out;
}

/* sqlite_text.c's constants and its choice for a search with no other
 * filter: the word index drives when fewer than sqrt(k * n / 20) messages
 * hold the words, else the walk, with a window of the newest 8k + 64 of
 * them. */
static uint64_t isqrt(uint64_t v) {
  uint64_t root = 0, bit = UINT64_C(1) << 62;
  while (bit > v)
    bit >>= 2;
  for (; bit; bit >>= 2) {
    if (v >= root + bit) {
      v -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
  }
  return root;
}

/* Steps a helper statement to its row; the caller reads it and resets. */
static int helper_row(sqlite_session *s, int which) {
  if (prepare(s, &s->search[which], search_sql[which]))
    return -1;
  return sqlite3_step(s->search[which]) == SQLITE_ROW ? 0 : fail(s, "choosing a text search");
}

/* Sets *walk, and the window when it is set, for a page of `limit` rows of
 * the words `expr`. */
static int choose_text(sqlite_session *s, const char *expr, size_t limit, bool *walk,
                       sqlite3_int64 *window) {
  sqlite3_stmt *st = NULL;
  sqlite3_int64 size = 0, start = 0, count = 0;
  if (prepare(s, &s->search[S_TEXT_BOUNDS], search_sql[S_TEXT_BOUNDS]))
    return -1;
  st = s->search[S_TEXT_BOUNDS];
  sqlite3_bind_int64(st, 1, INT64_MAX);
  int rc = helper_row(s, S_TEXT_BOUNDS);
  if (rc == 0) {
    size = sqlite3_column_int64(st, 0);
    start = sqlite3_column_type(st, 1) == SQLITE_NULL ? INT64_MAX : sqlite3_column_int64(st, 1);
  }
  sqlite3_reset(st);
  if (rc != 0)
    return rc;
  uint64_t rows = size > 0 ? (uint64_t)size : 0;
  if (rows > UINT64_C(1) << 40)
    rows = UINT64_C(1) << 40;
  sqlite3_int64 rare_below = (sqlite3_int64)isqrt((uint64_t)limit * rows / 20) + 1;
  if (prepare(s, &s->search[S_TEXT_COUNT], search_sql[S_TEXT_COUNT]))
    return -1;
  st = s->search[S_TEXT_COUNT];
  sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, rare_below);
  rc = helper_row(s, S_TEXT_COUNT);
  if (rc == 0)
    count = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  *walk = rc == 0 && count >= rare_below;
  if (rc != 0 || !*walk)
    return rc;
  sqlite3_int64 window_rows = (sqlite3_int64)limit * 8 + 64;
  if (prepare(s, &s->search[S_TEXT_NEWEST], search_sql[S_TEXT_NEWEST]))
    return -1;
  st = s->search[S_TEXT_NEWEST];
  sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, start);
  sqlite3_bind_int64(st, 3, window_rows);
  rc = helper_row(s, S_TEXT_NEWEST);
  if (rc == 0)
    *window = sqlite3_column_int64(st, 0) < window_rows ? INT64_MIN : sqlite3_column_int64(st, 1);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc;
}

static void reset_walk(void *session) {
  sqlite_session *s = session;
  s->walking = false;
  s->depth = 0;
}

static int page(void *session, bench_op op, const bench_item *item, size_t limit, bench_page *out) {
  sqlite_session *s = session;
  int which;
  switch (op) {
  case BENCH_LIST_FIRST:
    which = S_LIST;
    break;
  case BENCH_LIST_DEEP:
    if (s->depth >= BENCH_WALK_PAGES)
      reset_walk(s);
    if (!s->walking)
      s->walk_account = item->walk_account_id;
    which = s->walking ? S_LIST_AFTER : S_LIST;
    break;
  case BENCH_SEARCH_SENDER:
    which = S_SENDER;
    break;
  case BENCH_SEARCH_TIME:
    which = S_TIME;
    break;
  case BENCH_SEARCH_TEXT:
    which = S_TEXT;
    break;
  default:
    snprintf(s->error, sizeof s->error, "not a page operation");
    return -1;
  }
  char *expr = NULL;
  sqlite3_int64 window = 0;
  if (op == BENCH_SEARCH_TEXT) {
    bool walk = false;
    expr = match_expression(item->term_words);
    if (!expr) {
      snprintf(s->error, sizeof s->error, "sqlite baseline: out of memory");
      return -1;
    }
    /* libmsg asks for one row more than the page, to tell whether there is
     * a next one; so does the statement below. */
    if (choose_text(s, expr, limit + 1, &walk, &window) != 0) {
      free(expr);
      return -1;
    }
    which = walk ? S_TEXT_WALK : S_TEXT;
  }
  if (prepare(s, &s->search[which], search_sql[which])) {
    free(expr);
    return -1;
  }
  sqlite3_stmt *st = s->search[which];
  if (op == BENCH_LIST_FIRST) {
    sqlite3_bind_int64(st, 1, item->account_id);
  } else if (op == BENCH_LIST_DEEP) {
    sqlite3_bind_int64(st, 1, s->walk_account);
    if (s->walking) {
      sqlite3_bind_int64(st, 8, s->walk_time);
      sqlite3_bind_text(st, 9, s->walk_id, -1, SQLITE_STATIC);
    }
  } else if (op == BENCH_SEARCH_SENDER) {
    sqlite3_bind_text(st, 3, item->search_sender, -1, SQLITE_STATIC);
  } else if (op == BENCH_SEARCH_TIME) {
    sqlite3_bind_int64(st, 5, item->after);
    sqlite3_bind_int64(st, 6, item->before);
  } else {
    sqlite3_bind_text(st, 7, expr, -1, free);
    if (which == S_TEXT_WALK) {
      /* No upper time: the window reaches past the newest row. */
      sqlite3_bind_int64(st, 11, window);
      sqlite3_bind_int64(st, 12, INT64_MAX);
    }
  }
  sqlite3_bind_int64(st, 10, (sqlite3_int64)limit + 1);
  int rc = fetch(s, st, limit, out);
  if (rc == 0 && op == BENCH_LIST_DEEP) {
    s->walking = out->has_next;
    s->depth = out->has_next ? s->depth + 1 : 0;
  }
  return rc;
}

static const char *error(void *session) {
  return ((sqlite_session *)session)->error;
}

const bench_impl msg__impl_sqlite = {
    "baseline", session_open, session_close, create, get, page, reset_walk, error,
};
