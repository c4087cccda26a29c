/*
 * Reading messages. As in the SQLite backend, the SQL depends only on the
 * query's shape, the condition bits the core computed (which filters are
 * present, and whether each set has one value or several), never on its
 * values, so each connection prepares a shape the first time it meets it
 * and afterwards only binds values.
 *
 * A set of one value is compared with '=', so the planner sees an equality
 * on the index's leading column and reads that index newest first, stopping
 * at the limit (with "= ANY" it would have to sort the whole account). A
 * larger set is bound as one array parameter: account_id = ANY($1::bigint[]).
 * The text query is a tsquery of quoted lexemes (pg_values.c), AND-ed, so no
 * dictionary touches the terms: matching is exact equality of words.
 * The keyset condition is a row comparison, which PostgreSQL turns into an
 * index condition on (created_at DESC, message_id DESC).
 *
 * How a shape runs depends on whether its best plan depends on its values.
 * A point or list shape (at most one condition, an equality on one value,
 * plus the keyset position) has one right plan whatever the value: its
 * index, newest first, up to the limit. Those are prepared once per
 * connection and PostgreSQL may cache a generic plan for them, so a get or
 * a list page costs no planning. Every other shape (a word, a set of
 * several values, a time range, several conditions together) is sent as an
 * unnamed statement, which PostgreSQL always plans with the values bound:
 * a generic plan cannot see that a word or a set of accounts is rare, and
 * guesses a common one, then walks the time index filtering every row,
 * which for a rare word reads the whole table. Planning those costs far
 * less than that. Their SQL is still built once per connection.
 */
#include "pg_backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parameters are numbered by meaning, the same in every shape, so the binder
 * does not depend on which clauses a shape has. */
enum {
  P_ACCOUNTS = 1,
  P_IDS,
  P_SENDERS,
  P_RECEIVERS,
  P_AFTER,
  P_BEFORE,
  P_TERMS,
  P_CURSOR_TIME,
  P_CURSOR_ID,
  P_LIMIT,
};

/* A parameter a shape does not use still needs a type to be prepared. */
#define TEXT_OID 25

/* The state of the set whose _ONE bit is `one` (its _MANY bit is the next
 * one up, see backend.h): 0 none, 1 one value, 2 several. */
static unsigned int set_state(uint32_t conditions, uint32_t one) {
  return conditions & one ? 1u : conditions & (one << 1) ? 2u : 0u;
}

/* The dense index of a query's conditions, 0 .. PG_SHAPE_COUNT - 1, which
 * names its prepared statement. */
static unsigned int shape_of(uint32_t c) {
  unsigned int sets = set_state(c, MSG_COND_ACCOUNT_ONE) + 3 * set_state(c, MSG_COND_ID_ONE) +
                      9 * set_state(c, MSG_COND_SENDER_ONE) +
                      27 * set_state(c, MSG_COND_RECEIVER_ONE);
  unsigned int flags = (c & MSG_COND_CREATED_AFTER ? 1u : 0u) |
                       (c & MSG_COND_CREATED_BEFORE ? 2u : 0u) | (c & MSG_COND_TERMS ? 4u : 0u) |
                       (c & MSG_COND_CURSOR ? 8u : 0u);
  return sets * 16 + flags;
}

/* Appends `clause` to `*sql` (a malloc'd string), freeing it on failure. */
static void append(char **sql, const char *clause) {
  if (!*sql)
    return;
  size_t len = strlen(*sql), add = strlen(clause);
  char *grown = realloc(*sql, len + add + 1);
  if (!grown) {
    free(*sql);
    *sql = NULL;
    return;
  }
  memcpy(grown + len, clause, add + 1);
  *sql = grown;
}

static void append_set(char **sql, Oid types[], const char *column, const char *type,
                       uint32_t conditions, uint32_t one, int param) {
  char clause[96];
  unsigned int state = set_state(conditions, one);
  if (state == 0)
    return;
  if (state == 1)
    snprintf(clause, sizeof clause, " AND %s = $%d::%s", column, param, type);
  else
    snprintf(clause, sizeof clause, " AND %s = ANY($%d::%s[])", column, param, type);
  append(sql, clause);
  types[param - 1] = 0;
}

static void append_flag(char **sql, Oid types[], const char *clause, int param, int param2) {
  append(sql, clause);
  types[param - 1] = 0;
  if (param2)
    types[param2 - 1] = 0;
}

char *msg__pg_search_sql(const msg_backend_query *q, Oid types[PG_SEARCH_PARAMS]) {
  for (int i = 0; i < PG_SEARCH_PARAMS; i++)
    types[i] = TEXT_OID;
  char *sql = strdup("SELECT " PG_MESSAGE_COLUMNS " FROM messages WHERE true");
  uint32_t c = q->conditions;
  append_set(&sql, types, "account_id", "bigint", c, MSG_COND_ACCOUNT_ONE, P_ACCOUNTS);
  append_set(&sql, types, "message_id", "uuid", c, MSG_COND_ID_ONE, P_IDS);
  append_set(&sql, types, "sender_number", "text", c, MSG_COND_SENDER_ONE, P_SENDERS);
  append_set(&sql, types, "receiver_number", "text", c, MSG_COND_RECEIVER_ONE, P_RECEIVERS);
  if (c & MSG_COND_CREATED_AFTER)
    append_flag(&sql, types, " AND created_at > $5::timestamptz", P_AFTER, 0);
  if (c & MSG_COND_CREATED_BEFORE)
    append_flag(&sql, types, " AND created_at < $6::timestamptz", P_BEFORE, 0);
  if (c & MSG_COND_TERMS)
    append_flag(&sql, types, " AND search_tsv @@ $7::tsquery", P_TERMS, 0);
  if (c & MSG_COND_CURSOR)
    append_flag(&sql, types, " AND (created_at, message_id) < ($8::timestamptz, $9::uuid)",
                P_CURSOR_TIME, P_CURSOR_ID);
  append_flag(&sql, types, " ORDER BY created_at DESC, message_id DESC LIMIT $10::bigint", P_LIMIT,
              0);
  return sql;
}

static void bind_strings(pg_params *p, int param, const char *const *values, size_t count) {
  if (count == 1)
    msg__pg_param_text(p, param, values[0]);
  else if (count > 1)
    msg__pg_param_text_array(p, param, values, count);
}

/* Binds `q`'s values in the order msg__pg_search_sql numbers them. */
static void bind_query(pg_params *p, const msg_backend_query *q) {
  msg__pg_params_init(p, PG_SEARCH_PARAMS);
  if (q->account_id_count == 1)
    msg__pg_param_int64(p, P_ACCOUNTS, q->account_ids[0]);
  else if (q->account_id_count > 1)
    msg__pg_param_int64_array(p, P_ACCOUNTS, q->account_ids, q->account_id_count);
  bind_strings(p, P_IDS, q->message_ids, q->message_id_count);
  bind_strings(p, P_SENDERS, q->sender_numbers, q->sender_number_count);
  bind_strings(p, P_RECEIVERS, q->receiver_numbers, q->receiver_number_count);
  if (q->has_created_after)
    msg__pg_param_time(p, P_AFTER, q->created_after);
  if (q->has_created_before)
    msg__pg_param_time(p, P_BEFORE, q->created_before);
  if (q->term_count)
    msg__pg_param_tsquery(p, P_TERMS, q->terms, q->term_count);
  if (q->has_cursor) {
    msg__pg_param_time(p, P_CURSOR_TIME, q->cursor_created_at);
    msg__pg_param_text(p, P_CURSOR_ID, q->cursor_message_id);
  }
  msg__pg_param_int64(p, P_LIMIT, (int64_t)q->limit);
}

int msg__pg_search_is_prepared(const msg_backend_query *q) {
  const uint32_t one_value =
      MSG_COND_ACCOUNT_ONE | MSG_COND_ID_ONE | MSG_COND_SENDER_ONE | MSG_COND_RECEIVER_ONE;
  /* The keyset position is not a condition here: every shape may have one. */
  uint32_t c = q->conditions & ~(uint32_t)MSG_COND_CURSOR;
  /* No condition, or exactly one bit and that an equality on one value. */
  return c == 0 || ((c & (c - 1)) == 0 && (c & one_value));
}

/* The SQL of a named shape is built only when it is first prepared. Not
 * used behind a transaction pooler (see send_query). */
static int send_named_shape(pg_conn *c, const msg_backend_query *q, unsigned int shape,
                            const pg_params *p, int *sent, msg_error *err) {
  char name[24];
  snprintf(name, sizeof name, "msg_search_%u", shape);
  if (c->search_prepared[shape])
    return msg__pg_send_statement(c, &c->search_prepared[shape], name, NULL, NULL, p,
                                  PG_BINARY_RESULTS, sent, err);
  Oid types[PG_SEARCH_PARAMS];
  char *sql = msg__pg_search_sql(q, types);
  if (!sql)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory building a query");
  int rc = msg__pg_send_statement(c, &c->search_prepared[shape], name, sql, types, p,
                                  PG_BINARY_RESULTS, sent, err);
  free(sql);
  return rc;
}

/* The kept SQL of an unnamed shape, built the first time it is needed. */
static int unnamed_shape(pg_conn *c, const msg_backend_query *q, unsigned int shape,
                         const pg_unnamed **out, msg_error *err) {
  for (size_t i = 0; i < c->unnamed_count; i++) {
    if (c->unnamed[i].shape == shape) {
      *out = &c->unnamed[i];
      return MSG_OK;
    }
  }
  if (c->unnamed_count == c->unnamed_capacity) {
    size_t capacity = c->unnamed_capacity ? c->unnamed_capacity * 2 : 8;
    pg_unnamed *grown = realloc(c->unnamed, capacity * sizeof *grown);
    if (!grown)
      return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory building a query");
    c->unnamed = grown;
    c->unnamed_capacity = capacity;
  }
  pg_unnamed *u = &c->unnamed[c->unnamed_count];
  u->shape = shape;
  u->sql = msg__pg_search_sql(q, u->types);
  if (!u->sql)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory building a query");
  c->unnamed_count++;
  *out = u;
  return MSG_OK;
}

void msg__pg_query_cache_free(pg_conn *c) {
  for (size_t i = 0; i < c->unnamed_count; i++)
    free(c->unnamed[i].sql);
  free(c->unnamed);
  c->unnamed = NULL;
  c->unnamed_count = c->unnamed_capacity = 0;
}

/* Sends `q` as its shape runs (see the top of this file). */
static int send_query(pg_conn *c, const msg_backend_query *q, const pg_params *p, int *sent,
                      msg_error *err) {
  unsigned int shape = shape_of(q->conditions);
  /* Behind a transaction pooler every shape goes unnamed, and the cached
   * SQL of the unnamed path saves rebuilding it. */
  if (msg__pg_search_is_prepared(q) && !c->backend->transaction_pooler)
    return send_named_shape(c, q, shape, p, sent, err);
  const pg_unnamed *u = NULL;
  int rc = unnamed_shape(c, q, shape, &u, err);
  if (rc == MSG_OK)
    *sent = PQsendQueryParams(c->db, u->sql, p->count, u->types, p->values, p->lengths, p->formats,
                              PG_BINARY_RESULTS);
  return rc;
}

int msg__pg_query(msg_backend *backend, msg_backend_conn *conn, const msg_backend_query *query,
                  msg_backend_rows *rows, msg_error *err) {
  pg_conn *c = (pg_conn *)conn;
  pg_params p;
  bind_query(&p, query);
  if (p.failed) {
    msg__pg_params_free(&p);
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory binding a query");
  }
  int sent = 0;
  int rc = send_query(c, query, &p, &sent, err);
  PGresult *res = NULL;
  if (rc == MSG_OK)
    rc = msg__pg_await(c, sent, PGRES_TUPLES_OK, &res, err, "running a query");
  msg__pg_params_free(&p);
  if (rc != MSG_OK)
    return rc;
  int n = PQntuples(res);
  for (int i = 0; rc == MSG_OK && i < n; i++)
    rc = msg__pg_push_row(res, i, rows, err);
  PQclear(res);
  return rc;
}
