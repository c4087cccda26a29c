/*
 * The PostgreSQL baseline: the statements the PostgreSQL backend prepares,
 * with the same parameter types and formats (times as binary timestamptz),
 * run with PQexecPrepared on one connection per thread, each statement
 * prepared once. A create is the backend's single INSERT, committed on its
 * own.
 *
 * Rows come back in binary, as the backend asks for them: the id as 16
 * bytes (formatted to text here, as the library hands it out), numbers and
 * times as the server's integers.
 *
 * The SQL below is copied from libmsg/backends/postgres (pg_insert.c,
 * pg_query.c, pg_backend.h); guard.c fails the run when a statement here is
 * not one libmsg prepared.
 *
 * Each statement also runs the way the backend runs it, because this is a
 * comparison of library overhead, not of execution strategies: the point
 * and list shapes as named prepared statements (PostgreSQL may cache a
 * generic plan for them), the shapes whose plan depends on the values (a
 * time range, a word) as unnamed statements with PQexecParams, which
 * PostgreSQL plans with the values every time (see pg_query.c). guard.c
 * checks the way too.
 */
#include "impl.h"

#include "rows_copy.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COLUMNS "message_id, account_id, sender_number, receiver_number, body, created_at"
#define SELECT "SELECT " COLUMNS " FROM messages WHERE true"
#define ORDER " ORDER BY created_at DESC, message_id DESC LIMIT $10::bigint"
#define PARAMS 10
#define TEXT_OID 25

enum { S_LIST, S_LIST_AFTER, S_GET, S_SENDER, S_TIME, S_TEXT, S_COUNT };

/* Each statement with the parameters it uses (their types come from the
 * SQL's casts); the others are declared text, as the backend does. */
static const struct {
  const char *sql;
  int used[4];
  bool unnamed; /* run with PQexecParams, as the backend runs this shape */
} searches[S_COUNT] = {
    [S_LIST] = {SELECT " AND account_id = $1::bigint" ORDER, {1, 10}, false},
    [S_LIST_AFTER] = {SELECT " AND account_id = $1::bigint"
                             " AND (created_at, message_id) < ($8::timestamptz, $9::uuid)" ORDER,
                      {1, 8, 9, 10},
                      false},
    [S_GET] = {SELECT " AND message_id = $2::uuid" ORDER, {2, 10}, false},
    [S_SENDER] = {SELECT " AND sender_number = $3::text" ORDER, {3, 10}, false},
    [S_TIME] = {SELECT " AND created_at > $5::timestamptz AND created_at < $6::timestamptz" ORDER,
                {5, 6, 10},
                true},
    [S_TEXT] = {SELECT " AND search_tsv @@ $7::tsquery" ORDER, {7, 10}, true},
};

static const char insert_sql[] =
    "INSERT INTO messages (message_id, account_id, sender_number, receiver_number, body,"
    " created_at, idempotency_key, search_tsv)"
    " VALUES ($1::uuid, $2::bigint, $3::text, $4::text, $5::text, $6::timestamptz, $7::text,"
    " array_to_tsvector(array_remove(string_to_array($8::text, ' '), '')))"
    " ON CONFLICT (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING"
    " RETURNING message_id";

/* Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch. */
#define PG_EPOCH_OFFSET INT64_C(946684800000000)

typedef struct pg_session {
  PGconn *db;
  bool insert_prepared;
  bool search_prepared[S_COUNT];
  bench_rng rng;
  bool walking;
  int64_t walk_account, walk_time;
  char walk_id[MSG_ID_LEN + 1];
  unsigned int depth;
  char error[BENCH_ERROR_SIZE];
} pg_session;

/* Parameters for one statement: text values, and binary times. */
typedef struct params {
  const char *values[PARAMS];
  int lengths[PARAMS];
  int formats[PARAMS];
  char inline_values[PARAMS][24];
} params;

static void param_int64(params *p, int n, int64_t v) {
  snprintf(p->inline_values[n - 1], sizeof p->inline_values[0], "%lld", (long long)v);
  p->values[n - 1] = p->inline_values[n - 1];
}

static void param_time(params *p, int n, int64_t micros) {
  uint64_t v = (uint64_t)(micros - PG_EPOCH_OFFSET);
  unsigned char *out = (unsigned char *)p->inline_values[n - 1];
  for (int i = 7; i >= 0; i--) {
    out[i] = (unsigned char)(v & 0xff);
    v >>= 8;
  }
  p->values[n - 1] = p->inline_values[n - 1];
  p->lengths[n - 1] = 8;
  p->formats[n - 1] = 1;
}

static int fail(pg_session *s, const char *doing, PGresult *res) {
  snprintf(s->error, sizeof s->error, "postgres baseline %s: %s", doing,
           res ? PQresultErrorMessage(res) : PQerrorMessage(s->db));
  PQclear(res);
  return -1;
}

static void session_close(void *session) {
  pg_session *s = session;
  if (!s)
    return;
  PQfinish(s->db);
  free(s);
}

/* Prepares on first use, as the backend does, so that the guard sees only
 * the statements the operations being measured need. */
static int prepare(pg_session *s, bool *prepared, const char *name, const char *sql, int nparams,
                   const Oid *types) {
  if (*prepared)
    return 0;
  PGresult *res = PQprepare(s->db, name, sql, nparams, types);
  if (PQresultStatus(res) != PGRES_COMMAND_OK)
    return fail(s, "preparing", res);
  PQclear(res);
  *prepared = true;
  return 0;
}

static void search_types(int which, Oid types[PARAMS]) {
  for (int p = 0; p < PARAMS; p++)
    types[p] = TEXT_OID;
  for (int u = 0; u < 4 && searches[which].used[u]; u++)
    types[searches[which].used[u] - 1] = 0;
}

static int prepare_search(pg_session *s, int which) {
  Oid types[PARAMS];
  search_types(which, types);
  char name[16];
  snprintf(name, sizeof name, "search_%d", which);
  return prepare(s, &s->search_prepared[which], name, searches[which].sql, PARAMS, types);
}

static int session_open(void **out, const bench_target *target, char error[BENCH_ERROR_SIZE]) {
  static unsigned int sessions;
  pg_session *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(error, BENCH_ERROR_SIZE, "out of memory");
    return -1;
  }
  s->rng = msg__gen_stream((uint64_t)time(NULL), sessions++, 13);
  /* A plain connection, as an application using libpq would open, unless
   * the run asks for session options (e.g. the library's own, to tell how
   * much of a difference they make). */
  const char *keys[] = {"dbname", "application_name", "client_encoding",
                        target->pg_options ? "options" : NULL, NULL};
  const char *values[] = {target->uri, "msg-bench-baseline", "UTF8", target->pg_options, NULL};
  s->db = PQconnectdbParams(keys, values, 1);
  int rc = s->db && PQstatus(s->db) == CONNECTION_OK ? 0 : -1;
  if (rc != 0) {
    snprintf(error, BENCH_ERROR_SIZE, "postgres baseline: %s",
             s->db ? PQerrorMessage(s->db) : "out of memory");
    session_close(s);
    return -1;
  }
  *out = s;
  return 0;
}

static int64_t now_micros(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int create(void *session, const bench_item *item) {
  pg_session *s = session;
  if (prepare(s, &s->insert_prepared, "insert", insert_sql, 8, NULL))
    return -1;
  char id[MSG_ID_LEN + 1];
  int64_t created_at = now_micros();
  msg__gen_uuid_v7(id, created_at, &s->rng);
  params p = {0};
  p.values[0] = id;
  param_int64(&p, 2, item->account_id);
  p.values[2] = item->sender;
  p.values[3] = item->receiver;
  p.values[4] = item->body;
  param_time(&p, 6, created_at);
  p.values[6] = NULL;
  p.values[7] = item->words;
  PGresult *res = PQexecPrepared(s->db, "insert", 8, p.values, p.lengths, p.formats, 0);
  if (PQresultStatus(res) != PGRES_TUPLES_OK)
    return fail(s, "inserting", res);
  int inserted = PQntuples(res) == 1;
  PQclear(res);
  if (!inserted) {
    snprintf(s->error, sizeof s->error, "postgres baseline: the insert stored nothing");
    return -1;
  }
  return 0;
}

static uint64_t big_endian(const char *bytes) {
  const unsigned char *b = (const unsigned char *)bytes;
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v = v << 8 | b[i];
  return v;
}

static void uuid_text(char out[MSG_ID_LEN + 1], const unsigned char b[16]) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  for (size_t i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out[o++] = '-';
    out[o++] = hex[b[i] >> 4];
    out[o++] = hex[b[i] & 0x0f];
  }
  out[o] = '\0';
}

/* Runs search statement `which` and copies out every row. */
static int fetch(pg_session *s, int which, params *p, size_t limit, bench_page *out) {
  PGresult *res;
  if (searches[which].unnamed) {
    Oid types[PARAMS];
    search_types(which, types);
    res = PQexecParams(s->db, searches[which].sql, PARAMS, types, p->values, p->lengths, p->formats,
                       1);
  } else {
    if (prepare_search(s, which))
      return -1;
    char name[16];
    snprintf(name, sizeof name, "search_%d", which);
    res = PQexecPrepared(s->db, name, PARAMS, p->values, p->lengths, p->formats, 1);
  }
  if (PQresultStatus(res) != PGRES_TUPLES_OK)
    return fail(s, "querying", res);
  bench_rows rows = {0};
  int status = 0;
  int n = PQntuples(res);
  for (int i = 0; i < n && status == 0; i++) {
    char id[MSG_ID_LEN + 1];
    if (PQgetlength(res, i, 0) != 16 || PQgetlength(res, i, 1) != 8 ||
        PQgetlength(res, i, 5) != 8) {
      snprintf(s->error, sizeof s->error, "postgres baseline: unexpected column sizes");
      status = -1;
      break;
    }
    uuid_text(id, (const unsigned char *)PQgetvalue(res, i, 0));
    bench_row row = {
        id,
        (int64_t)big_endian(PQgetvalue(res, i, 1)),
        PQgetvalue(res, i, 2),
        PQgetvalue(res, i, 3),
        PQgetisnull(res, i, 4) ? NULL : PQgetvalue(res, i, 4),
        (int64_t)big_endian(PQgetvalue(res, i, 5)) + PG_EPOCH_OFFSET,
    };
    if (msg__rows_copy_push(&rows, &row) != 0) {
      snprintf(s->error, sizeof s->error, "postgres baseline: out of memory");
      status = -1;
    }
  }
  PQclear(res);
  if (status == 0) {
    msg__rows_copy_page(&rows, limit, out);
    if (out->count > 0) {
      const bench_row *last = &rows.items[out->count - 1];
      s->walk_time = last->created_at;
      memcpy(s->walk_id, last->message_id, MSG_ID_LEN + 1);
    }
  }
  msg__rows_copy_free(&rows);
  return status;
}

static int get(void *session, const bench_item *item, bench_page *out) {
  pg_session *s = session;
  params p = {0};
  p.values[1] = item->message_id;
  param_int64(&p, 10, 1);
  int rc = fetch(s, S_GET, &p, 1, out);
  if (rc == 0 && out->count != 1) {
    snprintf(s->error, sizeof s->error, "postgres baseline: no message %s", item->message_id);
    rc = -1;
  }
  return rc;
}

/* 'w1' & 'w2' & ...: every word a quoted lexeme (quotes and backslashes
 * escaped), as the backend writes its tsquery. */
static char *tsquery(const char *words) {
  size_t len = strlen(words);
  char *out = malloc(2 * len + 4 * (len + 1) + 1);
  if (!out)
    return NULL;
  size_t o = 0;
  out[o++] = '\'';
  for (const char *p = words; *p; p++) {
    if (*p == ' ') {
      memcpy(out + o, "' & '", 5);
      o += 5;
    } else {
      if (*p == '\'' || *p == '\\')
        out[o++] = *p;
      out[o++] = *p;
    }
  }
  out[o++] = '\'';
  out[o] = '\0';
  return out;
}

static void reset_walk(void *session) {
  pg_session *s = session;
  s->walking = false;
  s->depth = 0;
}

static int page(void *session, bench_op op, const bench_item *item, size_t limit, bench_page *out) {
  pg_session *s = session;
  params p = {0};
  char *owned = NULL;
  int which;
  switch (op) {
  case BENCH_LIST_FIRST:
    which = S_LIST;
    param_int64(&p, 1, item->account_id);
    break;
  case BENCH_LIST_DEEP:
    if (s->depth >= BENCH_WALK_PAGES)
      reset_walk(s);
    if (!s->walking)
      s->walk_account = item->walk_account_id;
    which = s->walking ? S_LIST_AFTER : S_LIST;
    param_int64(&p, 1, s->walk_account);
    if (s->walking) {
      param_time(&p, 8, s->walk_time);
      p.values[8] = s->walk_id;
    }
    break;
  case BENCH_SEARCH_SENDER:
    which = S_SENDER;
    p.values[2] = item->search_sender;
    break;
  case BENCH_SEARCH_TIME:
    which = S_TIME;
    param_time(&p, 5, item->after);
    param_time(&p, 6, item->before);
    break;
  case BENCH_SEARCH_TEXT:
    which = S_TEXT;
    owned = tsquery(item->term_words);
    if (!owned) {
      snprintf(s->error, sizeof s->error, "postgres baseline: out of memory");
      return -1;
    }
    p.values[6] = owned;
    break;
  default:
    snprintf(s->error, sizeof s->error, "not a page operation");
    return -1;
  }
  param_int64(&p, 10, (int64_t)limit + 1);
  int rc = fetch(s, which, &p, limit, out);
  free(owned);
  if (rc == 0 && op == BENCH_LIST_DEEP) {
    s->walking = out->has_next;
    s->depth = out->has_next ? s->depth + 1 : 0;
  }
  return rc;
}

static const char *error(void *session) {
  return ((pg_session *)session)->error;
}

const bench_impl msg__impl_pg = {
    "baseline", session_open, session_close, create, get, page, reset_walk, error,
};
