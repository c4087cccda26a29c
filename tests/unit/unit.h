/*
 * Shared declarations of the unit tests: one check suite per core module,
 * listed once in meson.build, and the assertions every suite uses.
 */
#ifndef MSG_TEST_UNIT_H
#define MSG_TEST_UNIT_H

#include <msg/backend.h>

#include <check.h>

Suite *error_suite(void);
Suite *validate_suite(void);
Suite *uuid_suite(void);
Suite *cursor_suite(void);
Suite *text_suite(void);
Suite *time_suite(void);
Suite *rows_suite(void);
Suite *registry_suite(void);
Suite *store_suite(void);
Suite *pool_suite(void);
Suite *message_suite(void);
Suite *page_suite(void);
Suite *oom_suite(void);
Suite *supports_suite(void);

/* A test case whose tests each start from the same global state: the
 * registry as the library starts it (test schemes gone, built-ins back) and
 * no allocation failure armed. Needed when check runs without fork
 * (CK_FORK=no, as under valgrind), where every test shares one process. */
TCase *unit_tcase(const char *name);

/* Fails unless `rc` is `status`, `err` says so, names `field` and holds a
 * non-empty message. */
#define assert_error(rc, err, want_status, want_field)                                             \
  do {                                                                                             \
    int assert_rc_ = (rc);                                                                         \
    ck_assert_msg(assert_rc_ == (want_status), "status %s (%d), want %s: %s",                      \
                  msg_status_str(assert_rc_), assert_rc_, msg_status_str(want_status),             \
                  (err).message);                                                                  \
    ck_assert_int_eq((err).status, (want_status));                                                 \
    ck_assert_str_eq((err).field, (want_field));                                                   \
    ck_assert_msg((err).message[0] != '\0', "empty error message");                                \
  } while (0)

#define assert_invalid(rc, err, field) assert_error(rc, err, MSG_ERR_INVALID, field)

#define assert_ok(rc, err)                                                                         \
  do {                                                                                             \
    int assert_rc_ = (rc);                                                                         \
    ck_assert_msg(assert_rc_ == MSG_OK, "status %s (%d): %s", msg_status_str(assert_rc_),          \
                  assert_rc_, (err).message);                                                      \
  } while (0)

#endif
