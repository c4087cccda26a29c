/*
 * Bulk path for PostgreSQL: one transaction that drops the secondary indexes
 * (keeping their definitions from pg_get_indexdef, so they come back exactly
 * as the library made them), truncates the (empty) table, streams every row
 * with COPY ... FREEZE, and rebuilds the indexes: one sort per index instead
 * of millions of random inserts. Truncating in the same transaction is what
 * allows FREEZE (no later rewrite to set hint bits) and, on a server with
 * wal_level=minimal, lets COPY skip the WAL. VACUUM ANALYZE then leaves the
 * table as autovacuum would.
 *
 * search_tsv is written as a tsvector literal of the library's words, each
 * one a quoted lexeme: the same value as the backend's
 * array_to_tsvector(array_remove(string_to_array(words, ' '), '')), since
 * neither parses, stems nor positions a word, and both sort and deduplicate.
 * The loader's read-back check (load.c) finds a sample by text to prove it.
 */
#include "load.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COPY_BUFFER 65536

static const char copy_sql[] =
    "COPY messages (message_id, account_id, sender_number, receiver_number, body, created_at,"
    " idempotency_key, search_tsv) FROM STDIN (FREEZE)";

typedef struct pg_load {
  PGconn *db;
  char buffer[COPY_BUFFER];
  size_t used;
} pg_load;

static int fail(pg_load *l, PGresult *res, const char *doing, char error[BENCH_ERROR_SIZE]) {
  snprintf(error, BENCH_ERROR_SIZE, "postgres load: %s: %s", doing,
           res ? PQresultErrorMessage(res) : PQerrorMessage(l->db));
  PQclear(res);
  return -1;
}

static int exec(pg_load *l, const char *sql, char error[BENCH_ERROR_SIZE]) {
  PGresult *res = PQexec(l->db, sql);
  ExecStatusType st = PQresultStatus(res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_COPY_IN)
    return fail(l, res, sql, error);
  PQclear(res);
  return 0;
}

/* Runs `sql` (one column of statements) and runs each statement it returns. */
static int exec_each(pg_load *l, const char *sql, char error[BENCH_ERROR_SIZE]) {
  PGresult *res = PQexec(l->db, sql);
  if (PQresultStatus(res) != PGRES_TUPLES_OK)
    return fail(l, res, sql, error);
  int rc = 0;
  for (int i = 0; rc == 0 && i < PQntuples(res); i++)
    rc = exec(l, PQgetvalue(res, i, 0), error);
  PQclear(res);
  return rc;
}

static void load_free(pg_load *l) {
  PQfinish(l->db);
  free(l);
}

static int begin(void **state, const bench_target *target, char error[BENCH_ERROR_SIZE]) {
  pg_load *l = calloc(1, sizeof *l);
  if (!l) {
    snprintf(error, BENCH_ERROR_SIZE, "out of memory");
    return -1;
  }
  const char *keys[] = {"dbname", "application_name", "client_encoding", NULL};
  const char *values[] = {target->uri, "msg-bench-load", "UTF8", NULL};
  l->db = PQconnectdbParams(keys, values, 1);
  int rc = l->db && PQstatus(l->db) == CONNECTION_OK ? 0 : -1;
  if (rc != 0)
    snprintf(error, BENCH_ERROR_SIZE, "postgres load: connecting: %s",
             l->db ? PQerrorMessage(l->db) : "out of memory");
  if (rc == 0)
    rc = exec(l,
              "BEGIN; SET LOCAL maintenance_work_mem = '1GB';"
              " CREATE TEMP TABLE msg_bench_indexes ON COMMIT DROP AS"
              " SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS def"
              " FROM pg_index WHERE indrelid = 'messages'::regclass AND NOT indisprimary",
              error);
  if (rc == 0)
    rc = exec_each(l, "SELECT 'DROP INDEX ' || name FROM msg_bench_indexes", error);
  if (rc == 0)
    rc = exec(l, "TRUNCATE messages", error);
  if (rc == 0)
    rc = exec(l, copy_sql, error);
  if (rc != 0) {
    load_free(l);
    return -1;
  }
  *state = l;
  return 0;
}

static int flush(pg_load *l, char error[BENCH_ERROR_SIZE]) {
  if (l->used > 0 && PQputCopyData(l->db, l->buffer, (int)l->used) != 1)
    return fail(l, NULL, "sending rows", error);
  l->used = 0;
  return 0;
}

static int put(pg_load *l, const char *s, size_t n, char error[BENCH_ERROR_SIZE]) {
  if (l->used + n > COPY_BUFFER && flush(l, error) != 0)
    return -1;
  if (n > COPY_BUFFER)
    return PQputCopyData(l->db, s, (int)n) == 1 ? 0 : fail(l, NULL, "sending rows", error);
  memcpy(l->buffer + l->used, s, n);
  l->used += n;
  return 0;
}

/* A COPY text field: NULL as \N, backslash and control characters escaped. */
static int field(pg_load *l, const char *value, char end, char error[BENCH_ERROR_SIZE]) {
  int rc = 0;
  if (!value) {
    rc = put(l, "\\N", 2, error);
  } else {
    const char *run = value;
    for (const char *p = value; rc == 0 && *p; p++) {
      const char *escape = *p == '\\'   ? "\\\\"
                           : *p == '\t' ? "\\t"
                           : *p == '\n' ? "\\n"
                           : *p == '\r' ? "\\r"
                                        : NULL;
      if (!escape)
        continue;
      rc = put(l, run, (size_t)(p - run), error);
      if (rc == 0)
        rc = put(l, escape, 2, error);
      run = p + 1;
    }
    if (rc == 0)
      rc = put(l, run, strlen(run), error);
  }
  return rc == 0 ? put(l, &end, 1, error) : rc;
}

/* 'w1' 'w2' ...: each word a quoted lexeme, quotes doubled and backslashes
 * escaped. NULL when out of memory; free() it. */
static char *tsvector_literal(const char *words) {
  size_t len = strlen(words);
  char *out = malloc(2 * len + 2 * (len + 1) + 1);
  if (!out)
    return NULL;
  size_t o = 0;
  int open = 0;
  for (const char *p = words;; p++) {
    if (*p == ' ' || *p == '\0') {
      if (open)
        out[o++] = '\'';
      open = 0;
      if (*p == '\0')
        break;
      continue;
    }
    if (!open) {
      if (o > 0)
        out[o++] = ' ';
      out[o++] = '\'';
      open = 1;
    }
    if (*p == '\'' || *p == '\\')
      out[o++] = *p;
    out[o++] = *p;
  }
  out[o] = '\0';
  return out;
}

static int add(void *state, const bench_message *m, const char *words,
               char error[BENCH_ERROR_SIZE]) {
  pg_load *l = state;
  char account[24], created[MSG_TIME_TEXT_SIZE];
  snprintf(account, sizeof account, "%lld", (long long)m->account_id);
  msg_error err;
  if (msg_time_format(created, sizeof created, m->created_at, &err) != MSG_OK) {
    snprintf(error, BENCH_ERROR_SIZE, "postgres load: %s", err.message);
    return -1;
  }
  char *tsv = tsvector_literal(words);
  if (!tsv) {
    snprintf(error, BENCH_ERROR_SIZE, "postgres load: out of memory");
    return -1;
  }
  const char *values[] = {m->message_id,
                          account,
                          m->sender,
                          m->receiver,
                          m->has_body ? m->body : NULL,
                          created,
                          m->has_key ? m->key : NULL,
                          tsv};
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < 8; i++)
    rc = field(l, values[i], i == 7 ? '\n' : '\t', error);
  free(tsv);
  return rc;
}

static int finish(void *state, char error[BENCH_ERROR_SIZE]) {
  pg_load *l = state;
  int rc = flush(l, error);
  if (rc == 0 && PQputCopyEnd(l->db, NULL) != 1)
    rc = fail(l, NULL, "ending COPY", error);
  PGresult *res;
  while (rc == 0 && (res = PQgetResult(l->db)) != NULL) {
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
      rc = fail(l, res, "copying rows", error);
    else
      PQclear(res);
  }
  if (rc == 0)
    rc = exec_each(l, "SELECT def FROM msg_bench_indexes", error);
  if (rc == 0)
    rc = exec(l, "COMMIT", error);
  if (rc == 0)
    rc = exec(l, "VACUUM (ANALYZE) messages", error);
  load_free(l);
  return rc;
}

static void abort_load(void *state) {
  pg_load *l = state;
  PQputCopyEnd(l->db, "msg-bench: load aborted");
  PQclear(PQgetResult(l->db));
  load_free(l);
}

const bench_loader msg__load_pg = {begin, add, finish, abort_load};
