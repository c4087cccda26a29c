/*
 * White-box tests of the PostgreSQL backend: they drive its vtable directly
 * (no core in between) to store times and words the core would never
 * produce, and read the plans of its statements. Each works in a database
 * of its own, created and dropped by the fixture below.
 */
#ifndef PGTEST_INTERNAL_H
#define PGTEST_INTERNAL_H

#include "pgtest.h"

#include "builtin.h"
#include "pg_backend.h"
#include "rows.h"

/* The backend and one connection on a fresh, migrated database. */
typedef struct pgi_fixture {
  char *dbname;
  msg_backend *backend;
  msg_backend_conn *conn;
} pgi_fixture;

void pgi_open(pgi_fixture *f, const char *prefix);
void pgi_close(pgi_fixture *f);

/* A canonical UUID whose last 12 hex digits are `n`. */
void pgi_uuid(char out[MSG_ID_LEN + 1], uint64_t n);

/* Inserts a message through the backend; returns the method's status.
 * `existing` receives the message holding a taken key (NULL: discarded). */
int pgi_insert(pgi_fixture *f, const char *id, int64_t account, int64_t created_at,
               const char *search_text, const char *key, msg_backend_rows *existing,
               msg_error *err);

/* Runs `q` through the backend into `rows` (initialised here; the caller
 * clears them with msg__rows_clear); asserts success. */
void pgi_query(pgi_fixture *f, const msg_backend_query *q, msg_backend_rows *rows);

Suite *pgi_values_suite(void);
Suite *pgi_plans_suite(void);
Suite *pgi_session_suite(void);

#endif
