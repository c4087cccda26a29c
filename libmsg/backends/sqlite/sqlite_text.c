/*
 * Choosing how a search with words runs (the two forms are described in
 * sqlite_shape.c): the word index driving, whose cost grows with the number
 * of messages holding the words, or the walk of the ordering index, whose
 * cost grows with the page over the share of rows holding them. A word in
 * few messages wants the first, a common one the second, and which is which
 * depends on the table's size and the page: with n rows, a page of k and d
 * messages holding the words, reading the d messages costs about
 * SET_ROW_COST * d rows walked and the walk about k * n / d, so the word
 * index drives when d < sqrt(k * n / SET_ROW_COST).
 *
 * Counting d outright costs as much as a whole word index read, so it is
 * counted only up to that bound: beyond it the walk wins whatever d is.
 * Small statements decide, each reading a bounded part of one index: the
 * bounds (the table's size and where the walk starts), the count, and for a
 * walk its window: from the oldest of the newest few times k rowids holding
 * the words at or below where it starts, to a little past that start. The
 * window keeps the set a walk builds about the size of the page; which rows
 * pass never depends on it.
 */
#include "sqlite_backend.h"

#include <stdint.h>

/* Reading a message by rowid, and sorting it, against walking one index
 * entry and looking its rowid up in a set: measured on 1M- and 10M-row
 * files, about 20 to 1. */
#define SET_ROW_COST 20
/* The window holds the newest WINDOW_PER_ROW * k + WINDOW_EXTRA rowids
 * holding the words: enough for a page even when other filters pass only a
 * share of them, or when rows were stored out of time order. */
#define WINDOW_PER_ROW 8
#define WINDOW_EXTRA 64
/* Rows stored after the walk's start yet no newer: writers that took their
 * time before another stored first. They are few and stored close by. */
#define WINDOW_SLACK 1024

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

/* The newest time a row of the query can have: a walk starts there. */
static sqlite3_int64 upper_time(const msg_backend_query *q) {
  sqlite3_int64 upper = INT64_MAX;
  if (q->has_created_before && q->created_before > INT64_MIN)
    upper = q->created_before - 1;
  if (q->has_cursor && q->cursor_created_at < upper)
    upper = q->cursor_created_at;
  return upper;
}

/* Steps a helper to its one row and hands it over; the caller resets. */
static int step_row(sqlite_conn *c, sqlite3_stmt *s, int rc, msg_error *err) {
  if (rc == SQLITE_OK)
    rc = sqlite3_step(s);
  return rc == SQLITE_ROW ? MSG_OK : msg__sqlite_fail(err, c->db, rc, "choosing a text search");
}

/* *size: the largest seq (0 for an empty table); *start: the seq of the
 * newest row at or before the query's upper time, INT64_MAX when none is. */
static int read_bounds(sqlite_conn *c, const msg_backend_query *q, sqlite3_int64 *size,
                       sqlite3_int64 *start, msg_error *err) {
  sqlite3_stmt *s = NULL;
  int rc = msg__sqlite_prepare_shape(c, SQLITE_SHAPE_HELPER | SQLITE_HELPER_BOUNDS, &s, err);
  if (rc != MSG_OK)
    return rc;
  rc = step_row(c, s, sqlite3_bind_int64(s, 1, upper_time(q)), err);
  if (rc == MSG_OK) {
    *size = sqlite3_column_int64(s, 0);
    *start = sqlite3_column_type(s, 1) == SQLITE_NULL ? INT64_MAX : sqlite3_column_int64(s, 1);
  }
  sqlite3_reset(s);
  return rc;
}

/* Counts the rowids that hold the words `expr`, up to `bound`. */
static int count_matches(sqlite_conn *c, const char *expr, sqlite3_int64 bound,
                         sqlite3_int64 *count, msg_error *err) {
  sqlite3_stmt *s = NULL;
  int rc = msg__sqlite_prepare_shape(c, SQLITE_SHAPE_HELPER | SQLITE_HELPER_COUNT, &s, err);
  if (rc != MSG_OK)
    return rc;
  int bind_rc = sqlite3_bind_text(s, 1, expr, -1, SQLITE_STATIC);
  if (bind_rc == SQLITE_OK)
    bind_rc = sqlite3_bind_int64(s, 2, bound);
  rc = step_row(c, s, bind_rc, err);
  if (rc == MSG_OK)
    *count = sqlite3_column_int64(s, 0);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return rc;
}

/* Counts the newest rowids at or below `below` that hold the words `expr`,
 * up to `bound`; *oldest is the smallest of them. */
static int count_newest(sqlite_conn *c, const char *expr, sqlite3_int64 below, sqlite3_int64 bound,
                        sqlite3_int64 *count, sqlite3_int64 *oldest, msg_error *err) {
  sqlite3_stmt *s = NULL;
  int rc = msg__sqlite_prepare_shape(c, SQLITE_SHAPE_HELPER | SQLITE_HELPER_NEWEST, &s, err);
  if (rc != MSG_OK)
    return rc;
  int bind_rc = sqlite3_bind_text(s, 1, expr, -1, SQLITE_STATIC);
  if (bind_rc == SQLITE_OK)
    bind_rc = sqlite3_bind_int64(s, 2, below);
  if (bind_rc == SQLITE_OK)
    bind_rc = sqlite3_bind_int64(s, 3, bound);
  rc = step_row(c, s, bind_rc, err);
  if (rc == MSG_OK) {
    *count = sqlite3_column_int64(s, 0);
    *oldest = sqlite3_column_int64(s, 1);
  }
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return rc;
}

static int choose(sqlite_conn *c, const msg_backend_query *q, const char *expr,
                  sqlite_text_plan *plan, msg_error *err) {
  sqlite3_int64 size = 0, start = 0, count = 0, oldest = 0;
  int rc = read_bounds(c, q, &size, &start, err);
  if (rc != MSG_OK)
    return rc;
  /* Capped so that the product cannot overflow; past 2^40 rows the bound
   * only grows less. */
  uint64_t rows = size > 0 ? (uint64_t)size : 0;
  if (rows > UINT64_C(1) << 40)
    rows = UINT64_C(1) << 40;
  sqlite3_int64 rare_below = (sqlite3_int64)isqrt((uint64_t)q->limit * rows / SET_ROW_COST) + 1;
  rc = count_matches(c, expr, rare_below, &count, err);
  if (rc != MSG_OK || count < rare_below)
    return rc;
  sqlite3_int64 window_rows = (sqlite3_int64)q->limit * WINDOW_PER_ROW + WINDOW_EXTRA;
  rc = count_newest(c, expr, start, window_rows, &count, &oldest, err);
  if (rc != MSG_OK)
    return rc;
  plan->shape |= SQLITE_SHAPE_WALK;
  /* Fewer than asked for: every rowid at or below the start is in. */
  plan->window = count < window_rows ? INT64_MIN : oldest;
  /* A walk with no upper time starts at the newest row: nothing is above. */
  plan->window_end = upper_time(q) == INT64_MAX || start > INT64_MAX - WINDOW_SLACK
                         ? INT64_MAX
                         : start + WINDOW_SLACK;
  return MSG_OK;
}

int msg__sqlite_bind_window(sqlite3_stmt *stmt, const sqlite_text_plan *plan) {
  int rc = sqlite3_bind_int64(stmt, SQLITE_PARAM_WINDOW, plan->window);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(stmt, SQLITE_PARAM_WINDOW_END, plan->window_end);
  return rc;
}

int msg__sqlite_text_plan(sqlite_conn *c, const msg_backend_query *query, sqlite_text_plan *plan,
                          msg_error *err) {
  char *expr = msg__sqlite_match_expression(query->terms, query->term_count);
  if (!expr)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "sqlite: out of memory preparing a query");
  int rc = choose(c, query, expr, plan, err);
  sqlite3_free(expr);
  return rc;
}
