/*
 * The command line of the white-box PostgreSQL tests (the runner is
 * tests/check_main.c, the list of suites meson.build):
 *
 *   postgres-internal SUITE     SUITE: values, plans, session
 *
 * Exits 99 (meson: error; 77, skipped, with MSG_ALLOW_SKIP=1) when
 * MSG_TEST_PG_URI is not set. Also holds the
 * fixture the suites share: the backend opened directly, on a database of
 * its own.
 */
#include "internal.h"
#include "conditions.h"

#include "check_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pgi_open(pgi_fixture *f, const char *prefix) {
  memset(f, 0, sizeof *f);
  f->dbname = pgt_create_database(prefix);
  char *uri = pgt_uri_for(f->dbname);
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  unsigned int pool_size = 0;
  msg_error err;
  int rc = msg__postgres_open(&f->backend, &pool_size, uri, &opts, NULL, &err);
  free(uri);
  ck_assert_msg(rc == MSG_OK, "open: %s", err.message);
  ck_assert_uint_eq(pool_size, 4);
  rc = f->backend->connect(f->backend, &f->conn, &err);
  ck_assert_msg(rc == MSG_OK, "connect: %s", err.message);
  rc = f->backend->migrate(f->backend, f->conn, &err);
  ck_assert_msg(rc == MSG_OK, "migrate: %s", err.message);
}

void pgi_close(pgi_fixture *f) {
  if (f->conn)
    f->backend->disconnect(f->backend, f->conn);
  if (f->backend)
    f->backend->free(f->backend);
  pgt_drop_database(f->dbname);
  free(f->dbname);
  memset(f, 0, sizeof *f);
}

void pgi_uuid(char out[MSG_ID_LEN + 1], uint64_t n) {
  snprintf(out, MSG_ID_LEN + 1, "00000000-0000-7000-8000-%012llx",
           (unsigned long long)(n & UINT64_C(0xffffffffffff)));
}

int pgi_insert(pgi_fixture *f, const char *id, int64_t account, int64_t created_at,
               const char *search_text, const char *key, msg_backend_rows *existing,
               msg_error *err) {
  msg_message m = {id, account, "+15550201", "+15550202", "body", created_at};
  msg_backend_record record = {&m, key, search_text};
  msg_backend_rows discarded;
  msg__rows_init(&discarded);
  int rc = f->backend->insert(f->backend, f->conn, &record, existing ? existing : &discarded, err);
  msg__rows_clear(&discarded);
  return rc;
}

void pgi_query(pgi_fixture *f, const msg_backend_query *q, msg_backend_rows *rows) {
  msg__rows_init(rows);
  msg_error err;
  /* The core computes a query's conditions; these tests call the backend
   * directly, so they do it here. */
  msg_backend_query with = *q;
  with.conditions = msg__query_conditions(q);
  int rc = f->backend->query(f->backend, f->conn, &with, rows, &err);
  ck_assert_msg(rc == MSG_OK, "query: %s (%s)", msg_status_str(rc), err.message);
}

check_prepare_fn pgi_prepare;

/* The command line for the shared runner (tests/check_main.c; the suites
 * are listed in meson.build): one suite, and a database to run it on. */
int pgi_prepare(int argc, char **argv, const char **only) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s values|plans|session\n", argv[0]);
    return EXIT_FAILURE;
  }
  if (!pgt_uri()) {
    fprintf(stderr, "postgres-internal: MSG_TEST_PG_URI is not set (an error unless MSG_ALLOW_SKIP=1)\n");
    return PGT_EXIT_SKIP;
  }
  *only = argv[1];
  return -1;
}
