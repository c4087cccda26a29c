/*
 * SQLite URIs: the one parameter and its two values, what is refused (and
 * that a refused URI touches no file), paths taken literally (never as
 * SQLite URI syntax), relative paths, the default pool size, and a file
 * that cannot be opened.
 */
#include "sqlite_test.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static test_dir dir;

static void setup(void) {
  test_dir_make(&dir);
}

static void teardown(void) {
  test_dir_remove(&dir);
}

/* Opens the backend on `uri`; closes it again when that worked. */
static int try_open(const char *uri, unsigned int *pool_size, msg_error *err) {
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.pool_size = *pool_size;
  msg_backend *backend = (msg_backend *)&backend; /* must come back NULL on failure */
  int rc = msg__sqlite_open(&backend, pool_size, uri, &opts, NULL, err);
  if (rc == MSG_OK)
    backend->free(backend);
  else
    ck_assert_ptr_null(backend);
  return rc;
}

static void assert_refused(const char *uri, const char *wanted_words) {
  msg_error err = {0};
  unsigned int pool_size = 0;
  int rc = try_open(uri, &pool_size, &err);
  ck_assert_msg(rc == MSG_ERR_INVALID, "'%s' gave %s", uri, msg_status_str(rc));
  ck_assert_int_eq(err.status, MSG_ERR_INVALID);
  ck_assert_str_eq(err.field, "uri");
  ck_assert_msg(strstr(err.message, wanted_words) != NULL, "'%s': %s", uri, err.message);
}

START_TEST(uri__rejects_unknown_synchronous_value) {
  char uri[sizeof dir.uri + 32];
  snprintf(uri, sizeof uri, "%s?synchronous=bogus", dir.uri);
  assert_refused(uri, "'synchronous' must be 'full' or 'normal'");
  snprintf(uri, sizeof uri, "%s?synchronous=FULL", dir.uri);
  assert_refused(uri, "'synchronous' must be 'full' or 'normal'");
  snprintf(uri, sizeof uri, "%s?synchronous=", dir.uri);
  assert_refused(uri, "'synchronous' must be 'full' or 'normal'");
  ck_assert_int_ne(access(dir.path, F_OK), 0);
}
END_TEST

START_TEST(uri__rejects_unknown_parameter) {
  assert_refused("sqlite:x.db?journal_mode=delete", "the only parameter");
  assert_refused("sqlite:x.db?synchronous=full&cache=shared", "the only parameter");
  assert_refused("sqlite:x.db?synchronousfull", "the only parameter");
  assert_refused("sqlite::memory:?vfs=unix", "the only parameter");
}
END_TEST

START_TEST(uri__rejects_empty_path_and_empty_parameter) {
  assert_refused("sqlite:", "'sqlite:PATH'");
  assert_refused("sqlite:?synchronous=full", "'sqlite:PATH'");
  assert_refused("sqlite:x.db?", "empty parameter");
  assert_refused("sqlite:x.db?synchronous=full&", "empty parameter");
}
END_TEST

START_TEST(uri__rejects_bogus_synchronous_through_the_public_api) {
  char uri[sizeof dir.uri + 32];
  snprintf(uri, sizeof uri, "%s?synchronous=bogus", dir.uri);
  msg_store *store = (msg_store *)&store;
  msg_error err = {0};
  ck_assert_int_eq(msg_store_open(&store, uri, NULL, &err), MSG_ERR_INVALID);
  ck_assert_ptr_null(store);
  ck_assert_str_eq(err.field, "uri");
}
END_TEST

START_TEST(uri__accepts_both_synchronous_values) {
  const char *const suffixes[] = {"", "?synchronous=full", "?synchronous=normal"};
  for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
    char uri[sizeof dir.uri + 32];
    snprintf(uri, sizeof uri, "%s%s", dir.uri, suffixes[i]);
    msg_error err = {0};
    unsigned int pool_size = 0;
    assert_status(try_open(uri, &pool_size, &err), err, MSG_OK);
  }
}
END_TEST

/* Opens and closes a store on `uri`, then checks that exactly `file`
 * exists (relative to `dir`) and removes it. */
static void assert_creates(const char *uri, const char *file) {
  char cwd[PATH_MAX];
  ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
  ck_assert_int_eq(chdir(dir.dir), 0);
  test_store s;
  test_store_open(&s, uri, 5000);
  test_store_close(&s);
  ck_assert_int_eq(chdir(cwd), 0);
  char path[sizeof dir.dir + 64];
  snprintf(path, sizeof path, "%s/%s", dir.dir, file);
  ck_assert_msg(access(path, F_OK) == 0, "'%s' did not create '%s'", uri, path);
  test_remove_db(path);
}

START_TEST(uri__path_is_taken_literally) {
  /* Characters SQLite URIs give a meaning to, and a "file:" prefix. */
  assert_creates("sqlite:odd %41#&=;.db", "odd %41#&=;.db");
  assert_creates("sqlite:file:x.db", "file:x.db");
  assert_creates("sqlite:file:y.db?synchronous=normal", "file:y.db");
  char uri[sizeof dir.dir + 64];
  snprintf(uri, sizeof uri, "sqlite:/%s/file:%%2Fz.db", dir.dir);
  assert_creates(uri, "file:%2Fz.db");
}
END_TEST

START_TEST(uri__relative_path_is_relative_to_the_working_directory) {
  assert_creates("sqlite:store.db", "store.db");
  ck_assert_int_ne(access("store.db", F_OK), 0);
}
END_TEST

START_TEST(uri__reports_default_pool_size_only_when_asked) {
  msg_error err = {0};
  unsigned int pool_size = 0;
  assert_status(try_open(dir.uri, &pool_size, &err), err, MSG_OK);
  ck_assert_uint_eq(pool_size, 4);
  pool_size = 0;
  assert_status(try_open("sqlite::memory:", &pool_size, &err), err, MSG_OK);
  ck_assert_uint_eq(pool_size, 4);
  pool_size = 7;
  assert_status(try_open(dir.uri, &pool_size, &err), err, MSG_OK);
  ck_assert_uint_eq(pool_size, 7);
}
END_TEST

START_TEST(uri__file_that_cannot_be_opened_is_unavailable) {
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  unsigned int pool_size = 0;
  msg_backend *backend = NULL;
  msg_backend_conn *conn = (msg_backend_conn *)&conn;
  msg_error err = {0};
  assert_status(msg__sqlite_open(&backend, &pool_size, "sqlite:/nonexistent-libmsg-dir/x.db", &opts,
                                 NULL, &err),
                err, MSG_OK);
  assert_status(backend->connect(backend, &conn, &err), err, MSG_ERR_UNAVAILABLE);
  ck_assert_ptr_null(conn);
  ck_assert_ptr_nonnull(strstr(err.message, "unable to open"));
  backend->free(backend);
}
END_TEST

Suite *uri_suite(void) {
  Suite *s = suite_create("uri");
  TCase *tc = tcase_create("uri");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, uri__rejects_unknown_synchronous_value);
  tcase_add_test(tc, uri__rejects_unknown_parameter);
  tcase_add_test(tc, uri__rejects_empty_path_and_empty_parameter);
  tcase_add_test(tc, uri__rejects_bogus_synchronous_through_the_public_api);
  tcase_add_test(tc, uri__accepts_both_synchronous_values);
  tcase_add_test(tc, uri__path_is_taken_literally);
  tcase_add_test(tc, uri__relative_path_is_relative_to_the_working_directory);
  tcase_add_test(tc, uri__reports_default_pool_size_only_when_asked);
  tcase_add_test(tc, uri__file_that_cannot_be_opened_is_unavailable);
  suite_add_tcase(s, tc);
  return s;
}
