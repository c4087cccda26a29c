/*
 * Reading messages. As in the SQLite backend the statement depends only on
 * the query's shape: a set of one value is compared with '=' so its index
 * also gives the order; larger sets are bound as one array parameter
 * (= ANY($n)). Each connection prepares a shape the first time it sees it.
 * The text query is a tsquery of the core's terms, each a quoted lexeme,
 * AND-ed: no dictionary touches them, so matching is exact word equality.
 */
#include "pg_backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SET_NONE = 0, SET_ONE = 1, SET_MANY = 2 };
enum { FLAG_AFTER = 1, FLAG_BEFORE = 2, FLAG_TERMS = 4, FLAG_CURSOR = 8 };
enum { P_ACCOUNTS = 1, P_IDS, P_SENDERS, P_RECEIVERS, P_AFTER, P_BEFORE, P_TERMS,
       P_CURSOR_TIME, P_CURSOR_ID, P_LIMIT, P_COUNT = P_LIMIT };

static unsigned int set_state(size_t count) {
  return count == 0 ? SET_NONE : count == 1 ? SET_ONE : SET_MANY;
}

unsigned int msg__pg_shape(const msg_backend_query *q) {
  unsigned int sets = set_state(q->account_id_count) + 3 * set_state(q->message_id_count) +
                      9 * set_state(q->sender_number_count) +
                      27 * set_state(q->receiver_number_count);
  unsigned int flags = (q->has_created_after ? FLAG_AFTER : 0) |
                       (q->has_created_before ? FLAG_BEFORE : 0) |
                       (q->term_count ? FLAG_TERMS : 0) | (q->has_cursor ? FLAG_CURSOR : 0);
  return sets * 16 + flags;
}

/* A growable string; `failed` sticks after an allocation failure. */
typedef struct text {
  char *data;
  size_t len, cap;
  int failed;
} text;

static void add(text *t, const char *s, size_t n) {
  if (t->failed)
    return;
  if (t->len + n + 1 > t->cap) {
    size_t cap = (t->cap ? t->cap * 2 : 256) + n;
    char *grown = realloc(t->data, cap);
    if (!grown) {
      t->failed = 1;
      return;
    }
    t->data = grown;
    t->cap = cap;
  }
  memcpy(t->data + t->len, s, n);
  t->len += n;
  t->data[t->len] = '\0';
}

static void adds(text *t, const char *s) {
  add(t, s, strlen(s));
}

static char *finish(text *t) {
  if (t->failed || !t->data) {
    free(t->data);
    return NULL;
  }
  return t->data;
}

static void add_set(text *sql, const char *column, const char *type, size_t count, int param) {
  char clause[160];
  if (count == 1)
    snprintf(clause, sizeof clause, " AND %s = $%d::%s", column, param, type);
  else if (count > 1)
    snprintf(clause, sizeof clause, " AND %s = ANY($%d::%s[])", column, param, type);
  else
    return;
  adds(sql, clause);
}

/* All shapes take the same ten parameters; each shape uses those it needs. */
char *msg__pg_search_sql(const msg_backend_query *q) {
  text sql = {0};
  adds(&sql, "SELECT " PG_MESSAGE_COLUMNS " FROM messages WHERE true");
  add_set(&sql, "account_id", "bigint", q->account_id_count, P_ACCOUNTS);
  add_set(&sql, "message_id", "uuid", q->message_id_count, P_IDS);
  add_set(&sql, "sender_number", "text", q->sender_number_count, P_SENDERS);
  add_set(&sql, "receiver_number", "text", q->receiver_number_count, P_RECEIVERS);
  if (q->has_created_after)
    adds(&sql, " AND created_at > $5::bigint");
  if (q->has_created_before)
    adds(&sql, " AND created_at < $6::bigint");
  if (q->term_count)
    adds(&sql, " AND words @@ $7::tsquery");
  if (q->has_cursor)
    adds(&sql, " AND (created_at, message_id) < ($8::bigint, $9::uuid)");
  adds(&sql, " ORDER BY created_at DESC, message_id DESC LIMIT $10::bigint");
  return finish(&sql);
}

/* An array literal {"a","b"} with quotes and backslashes escaped. */
static char *string_array(const char *const *values, size_t count) {
  text t = {0};
  adds(&t, "{");
  for (size_t i = 0; i < count; i++) {
    adds(&t, i ? ",\"" : "\"");
    for (const char *p = values[i]; *p; p++) {
      if (*p == '"' || *p == '\\')
        add(&t, "\\", 1);
      add(&t, p, 1);
    }
    adds(&t, "\"");
  }
  adds(&t, "}");
  return finish(&t);
}

static char *integer_array(const int64_t *values, size_t count) {
  text t = {0};
  adds(&t, "{");
  for (size_t i = 0; i < count; i++) {
    char n[24];
    snprintf(n, sizeof n, "%s%lld", i ? "," : "", (long long)values[i]);
    adds(&t, n);
  }
  adds(&t, "}");
  return finish(&t);
}

/* 'a' & 'b': each term a quoted lexeme (quotes and backslashes escaped). */
static char *tsquery_text(const char *const *terms, size_t count) {
  text t = {0};
  for (size_t i = 0; i < count; i++) {
    adds(&t, i ? " & '" : "'");
    for (const char *p = terms[i]; *p; p++) {
      if (*p == '\'' || *p == '\\')
        add(&t, p, 1);
      add(&t, p, 1);
    }
    adds(&t, "'");
  }
  return finish(&t);
}

typedef struct bound {
  const char *values[P_COUNT];
  char *owned[P_COUNT];
  char numbers[P_COUNT][24];
} bound;

static void bound_free(bound *b) {
  for (int i = 0; i < P_COUNT; i++)
    free(b->owned[i]);
}

static const char *number(bound *b, int param, long long v) {
  snprintf(b->numbers[param - 1], sizeof b->numbers[0], "%lld", v);
  return b->numbers[param - 1];
}

static int set_param(bound *b, int param, const char *const *values, size_t count) {
  if (count == 1) {
    b->values[param - 1] = values[0];
  } else if (count > 1) {
    b->owned[param - 1] = string_array(values, count);
    if (!b->owned[param - 1])
      return -1;
    b->values[param - 1] = b->owned[param - 1];
  }
  return 0;
}

static int bind(bound *b, const msg_backend_query *q) {
  *b = (bound){0};
  if (q->account_id_count == 1) {
    b->values[P_ACCOUNTS - 1] = number(b, P_ACCOUNTS, (long long)q->account_ids[0]);
  } else if (q->account_id_count > 1) {
    b->owned[P_ACCOUNTS - 1] = integer_array(q->account_ids, q->account_id_count);
    if (!b->owned[P_ACCOUNTS - 1])
      return -1;
    b->values[P_ACCOUNTS - 1] = b->owned[P_ACCOUNTS - 1];
  }
  if (set_param(b, P_IDS, q->message_ids, q->message_id_count) ||
      set_param(b, P_SENDERS, q->sender_numbers, q->sender_number_count) ||
      set_param(b, P_RECEIVERS, q->receiver_numbers, q->receiver_number_count))
    return -1;
  if (q->has_created_after)
    b->values[P_AFTER - 1] = number(b, P_AFTER, (long long)q->created_after);
  if (q->has_created_before)
    b->values[P_BEFORE - 1] = number(b, P_BEFORE, (long long)q->created_before);
  if (q->term_count) {
    b->owned[P_TERMS - 1] = tsquery_text(q->terms, q->term_count);
    if (!b->owned[P_TERMS - 1])
      return -1;
    b->values[P_TERMS - 1] = b->owned[P_TERMS - 1];
  }
  if (q->has_cursor) {
    b->values[P_CURSOR_TIME - 1] = number(b, P_CURSOR_TIME, (long long)q->cursor_created_at);
    b->values[P_CURSOR_ID - 1] = q->cursor_message_id;
  }
  b->values[P_LIMIT - 1] = number(b, P_LIMIT, (long long)q->limit);
  return 0;
}

int msg__pg_query(msg_backend *backend, msg_backend_conn *conn, const msg_backend_query *query,
                  msg_backend_rows *rows, msg_error *err) {
  pg_conn *c = (pg_conn *)conn;
  unsigned int shape = msg__pg_shape(query);
  char name[16];
  snprintf(name, sizeof name, "search_%u", shape);
  if (!c->search_prepared[shape]) {
    char *sql = msg__pg_search_sql(query);
    if (!sql)
      return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory building a query");
    /* Every parameter is declared text (the SQL casts each one it uses), so
     * the parameters a shape does not reference need no type of their own. */
    Oid types[P_COUNT];
    for (int i = 0; i < P_COUNT; i++)
      types[i] = 25; /* TEXTOID */
    PGresult *res = PQprepare(c->db, name, sql, P_COUNT, types);
    free(sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
      return msg__pg_fail(err, c->db, res, "preparing a query");
    PQclear(res);
    c->search_prepared[shape] = 1;
  }
  bound b;
  if (bind(&b, query) != 0) {
    bound_free(&b);
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory binding a query");
  }
  PGresult *res = PQexecPrepared(c->db, name, P_COUNT, b.values, NULL, NULL, 0);
  bound_free(&b);
  if (PQresultStatus(res) != PGRES_TUPLES_OK)
    return msg__pg_fail(err, c->db, res, "running a query");
  int rc = MSG_OK;
  for (int i = 0; rc == MSG_OK && i < PQntuples(res); i++)
    rc = msg__pg_push_row(res, i, rows, err);
  PQclear(res);
  return rc;
}
