/*
 * pool.c and backend_call.c, on the call-counting fake: connections are
 * reused, grow lazily to pool_size, a call waits for a free one and gives up
 * after pool_timeout_ms, a connection that reported MSG_ERR_UNAVAILABLE is
 * replaced, and missing optional methods give MSG_ERR_UNSUPPORTED. The
 * deadline arithmetic is checked on its own (every carry into the seconds),
 * and through clock.h's monotonic seam, that the wait is measured from it.
 */
#include "unit.h"

#include "clock.h"
#include "fake_backend.h"
#include "pool.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

static msg_store *open_pool(fake_config *config, unsigned int size, unsigned int timeout_ms) {
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.pool_size = size;
  opts.pool_timeout_ms = timeout_ms;
  return fake_open(config, &opts);
}

static msg_store_stats stats_of(msg_store *store) {
  msg_store_stats stats;
  msg_store_stats_get(store, &stats);
  return stats;
}

static void sleep_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

START_TEST(pool__reuses_an_idle_connection) {
  fake_config config = {0};
  msg_store *store = open_pool(&config, 4, 1000);
  msg_error err = {0};
  for (int i = 0; i < 10; i++)
    assert_ok(msg_store_ping(store, &err), err);
  ck_assert_int_eq(config.backend->connects, 1);
  ck_assert_int_eq(config.backend->pings, 10);
  msg_store_stats stats = stats_of(store);
  ck_assert_uint_eq(stats.pool_open, 1);
  ck_assert_uint_eq(stats.pool_in_use, 0);
  ck_assert_uint_eq(stats.pool_waits, 0);
  msg_store_close(store);
}
END_TEST

START_TEST(pool__grows_to_its_size_then_times_out) {
  fake_config config = {0};
  msg_store *store = open_pool(&config, 3, 50);
  msg_backend_conn *conns[3];
  msg_error err = {0};
  for (int i = 0; i < 3; i++) {
    assert_ok(msg__pool_acquire(store, &conns[i], &err), err);
    ck_assert_ptr_nonnull(conns[i]);
  }
  ck_assert_int_eq(config.backend->connects, 3);
  msg_store_stats stats = stats_of(store);
  ck_assert_uint_eq(stats.pool_size, 3);
  ck_assert_uint_eq(stats.pool_open, 3);
  ck_assert_uint_eq(stats.pool_in_use, 3);

  msg_backend_conn *extra = (msg_backend_conn *)&extra;
  assert_error(msg__pool_acquire(store, &extra, &err), err, MSG_ERR_UNAVAILABLE, "");
  ck_assert_ptr_null(extra);
  stats = stats_of(store);
  ck_assert_uint_eq(stats.pool_waits, 1);
  ck_assert_uint_eq(stats.pool_timeouts, 1);
  ck_assert_uint_eq(stats.errors_unavailable, 1);
  ck_assert_int_eq(config.backend->connects, 3);

  for (int i = 0; i < 3; i++)
    msg__pool_release(store, conns[i], MSG_OK);
  stats = stats_of(store);
  ck_assert_uint_eq(stats.pool_open, 3);
  ck_assert_uint_eq(stats.pool_in_use, 0);
  assert_ok(msg_store_ping(store, &err), err);
  ck_assert_int_eq(config.backend->connects, 3);
  msg_store_close(store);
}
END_TEST

typedef struct pinger {
  msg_store *store;
  int rc;
} pinger;

static void *ping_once(void *arg) {
  pinger *p = arg;
  msg_error err;
  p->rc = msg_store_ping(p->store, &err);
  return NULL;
}

START_TEST(pool__waiting_call_gets_the_released_connection) {
  fake_config config = {0};
  msg_store *store = open_pool(&config, 1, 5000);
  msg_backend_conn *conn;
  msg_error err = {0};
  assert_ok(msg__pool_acquire(store, &conn, &err), err);
  pinger p = {store, -100};
  pthread_t thread;
  ck_assert_int_eq(pthread_create(&thread, NULL, ping_once, &p), 0);
  while (stats_of(store).pool_waits == 0)
    sleep_ms(1);
  sleep_ms(20);
  msg__pool_release(store, conn, MSG_OK);
  pthread_join(thread, NULL);
  ck_assert_int_eq(p.rc, MSG_OK);
  msg_store_stats stats = stats_of(store);
  ck_assert_uint_eq(stats.pool_waits, 1);
  ck_assert_uint_eq(stats.pool_timeouts, 0);
  ck_assert_int_eq(config.backend->connects, 1);
  msg_store_close(store);
}
END_TEST

START_TEST(pool__drops_a_connection_that_reported_unavailable) {
  fake_config config = {0};
  msg_store *store = open_pool(&config, 2, 1000);
  msg_error err;
  config.backend->fail_next = MSG_ERR_UNAVAILABLE;
  assert_error(msg_store_ping(store, &err), err, MSG_ERR_UNAVAILABLE, "");
  ck_assert_int_eq(config.backend->disconnects, 1);
  ck_assert_int_eq(config.backend->open_conns, 0);
  ck_assert_uint_eq(stats_of(store).pool_open, 0);
  assert_ok(msg_store_ping(store, &err), err);
  ck_assert_int_eq(config.backend->connects, 2);
  ck_assert_uint_eq(stats_of(store).pool_open, 1);
  msg_store_close(store);
}
END_TEST

START_TEST(pool__keeps_a_connection_after_other_errors) {
  fake_config config = {0};
  msg_store *store = open_pool(&config, 2, 1000);
  msg_error err;
  config.backend->fail_next = MSG_ERR_INTERNAL;
  assert_error(msg_store_ping(store, &err), err, MSG_ERR_INTERNAL, "");
  assert_ok(msg_store_ping(store, &err), err);
  ck_assert_int_eq(config.backend->disconnects, 0);
  ck_assert_int_eq(config.backend->connects, 1);
  msg_store_close(store);
}
END_TEST

START_TEST(pool__recovers_when_the_database_comes_back) {
  fake_config config = {0};
  msg_store *store = open_pool(&config, 1, 50);
  msg_error err;
  config.backend->fail_next = MSG_ERR_UNAVAILABLE;
  assert_error(msg_store_ping(store, &err), err, MSG_ERR_UNAVAILABLE, "");
  config.backend->refuse_connects = 1;
  for (int i = 0; i < 3; i++) {
    assert_error(msg_store_ping(store, &err), err, MSG_ERR_UNAVAILABLE, "");
    msg_store_stats stats = stats_of(store);
    ck_assert_uint_eq(stats.pool_open, 0);
    ck_assert_uint_eq(stats.pool_in_use, 0);
    ck_assert_uint_eq(stats.pool_timeouts, 0);
  }
  config.backend->refuse_connects = 0;
  assert_ok(msg_store_ping(store, &err), err);
  ck_assert_uint_eq(stats_of(store).errors_unavailable, 4);
  ck_assert_int_eq(config.backend->open_conns, 1);
  msg_store_close(store);
}
END_TEST

typedef struct hammer {
  msg_store *store;
  int failures;
} hammer;

static void *ping_many(void *arg) {
  hammer *h = arg;
  for (int i = 0; i < 300; i++) {
    msg_error err;
    if (msg_store_ping(h->store, &err) != MSG_OK)
      h->failures++;
  }
  return NULL;
}

START_TEST(pool__never_lends_one_connection_twice_or_exceeds_its_size) {
  fake_config config = {0};
  msg_store *store = open_pool(&config, 3, 10000);
  hammer h[8];
  pthread_t threads[8];
  for (int i = 0; i < 8; i++) {
    h[i] = (hammer){store, 0};
    ck_assert_int_eq(pthread_create(&threads[i], NULL, ping_many, &h[i]), 0);
  }
  for (int i = 0; i < 8; i++) {
    pthread_join(threads[i], NULL);
    ck_assert_int_eq(h[i].failures, 0);
  }
  ck_assert_int_eq(atomic_load(&config.backend->shared_conn_seen), 0);
  ck_assert_int_le(config.backend->max_open_conns, 3);
  ck_assert_int_le(config.backend->connects, 3);
  ck_assert_int_eq(config.backend->pings, 8 * 300);
  msg_store_stats stats = stats_of(store);
  ck_assert_uint_eq(stats.pool_in_use, 0);
  ck_assert_uint_le(stats.pool_open, 3);
  msg_store_close(store);
}
END_TEST

START_TEST(pool__is_not_used_by_a_backend_without_connections) {
  fake_config config = {0};
  config.omit = FAKE_NO_CONNECT;
  msg_store *store = open_pool(&config, 2, 1000);
  msg_backend_conn *conn = (msg_backend_conn *)&conn;
  msg_error err = {0};
  assert_ok(msg__pool_acquire(store, &conn, &err), err);
  ck_assert_ptr_null(conn);
  msg__pool_release(store, conn, MSG_OK);
  hammer h[4];
  pthread_t threads[4];
  for (int i = 0; i < 4; i++) {
    h[i] = (hammer){store, 0};
    ck_assert_int_eq(pthread_create(&threads[i], NULL, ping_many, &h[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(threads[i], NULL);
    ck_assert_int_eq(h[i].failures, 0);
  }
  config.backend->fail_next = MSG_ERR_UNAVAILABLE;
  assert_error(msg_store_ping(store, &err), err, MSG_ERR_UNAVAILABLE, "");
  ck_assert_int_eq(config.backend->connects, 0);
  ck_assert_int_eq(config.backend->disconnects, 0);
  msg_store_stats stats = stats_of(store);
  ck_assert_uint_eq(stats.pool_open, 0);
  ck_assert_uint_eq(stats.pool_in_use, 0);
  msg_store_close(store);
}
END_TEST

START_TEST(calls__without_a_method_are_unsupported) {
  fake_config config = {0};
  config.omit = FAKE_NO_INSERT | FAKE_NO_QUERY | FAKE_NO_MIGRATE;
  msg_store *store = fake_open(&config, NULL);
  msg_error err;
  msg_new_message in = {1, "+123", "456", "hi", NULL};
  msg_message *message = NULL;
  assert_error(msg_message_create(&message, NULL, store, &in, &err), err, MSG_ERR_UNSUPPORTED, "");
  ck_assert_ptr_null(message);
  assert_error(msg_message_get(&message, store, "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11", &err), err,
               MSG_ERR_UNSUPPORTED, "");
  msg_page *page = NULL;
  assert_error(msg_message_list(&page, store, 1, NULL, &err), err, MSG_ERR_UNSUPPORTED, "");
  assert_error(msg_message_search(&page, store, NULL, NULL, &err), err, MSG_ERR_UNSUPPORTED, "");
  ck_assert_ptr_null(page);
  ck_assert_int_eq(config.backend->migrates, 0);
  msg_store_close(store);
}
END_TEST

START_TEST(calls__fill_a_message_when_the_backend_gives_none) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  config.backend->silent_failures = 1;
  config.backend->fail_next = MSG_ERR_INTERNAL;
  msg_error err;
  msg_page *page = NULL;
  assert_error(msg_message_list(&page, store, 1, NULL, &err), err, MSG_ERR_INTERNAL, "");
  ck_assert_str_eq(err.message, "the fake backend failed to query: internal error");
  ck_assert_uint_eq(stats_of(store).errors_internal, 1);
  msg_store_close(store);
}
END_TEST

START_TEST(calls__pass_the_backend_message_on) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  config.backend->fail_next = MSG_ERR_UNAVAILABLE;
  msg_error err;
  msg_page *page = NULL;
  assert_error(msg_message_list(&page, store, 1, NULL, &err), err, MSG_ERR_UNAVAILABLE, "");
  ck_assert_str_eq(err.message, "fake backend: injected unavailable");
  ck_assert_uint_eq(stats_of(store).errors_unavailable, 1);
  msg_store_close(store);
}
END_TEST

START_TEST(pool__deadline_adds_milliseconds_and_carries_into_seconds) {
  static const struct {
    struct timespec now;
    unsigned int ms;
    struct timespec want;
  } cases[] = {
      {{5, 0}, 0, {5, 0}},
      {{5, 0}, 1, {5, 1000000}},
      {{5, 1}, 999, {5, 999000001}},
      {{5, 0}, 1000, {6, 0}},
      {{5, 250000000}, 1750, {7, 0}},
      {{5, 999000000}, 1, {6, 0}},
      {{5, 999999999}, 1, {6, 999999}},
      {{5, 999999999}, 999, {6, 998999999}},
      {{5, 500000000}, 2500, {8, 0}},
      {{5, 123456789}, 4294967295u, {5 + 4294967, 418456789}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct timespec got = msg__pool_deadline(cases[i].now, cases[i].ms);
    ck_assert_msg(got.tv_sec == cases[i].want.tv_sec && got.tv_nsec == cases[i].want.tv_nsec,
                  "{%lld, %ld} + %u ms = {%lld, %ld}, want {%lld, %ld}",
                  (long long)cases[i].now.tv_sec, cases[i].now.tv_nsec, cases[i].ms,
                  (long long)got.tv_sec, got.tv_nsec, (long long)cases[i].want.tv_sec,
                  cases[i].want.tv_nsec);
  }
}
END_TEST

/* Where the seam puts "now", relative to the real monotonic clock. */
static long long seam_offset_ns;
static int seam_at_second_end; /* "now" is the last nanosecond of its second */

static void seam_now(struct timespec *now) {
  clock_gettime(CLOCK_MONOTONIC, now);
  long long ns = (long long)now->tv_sec * 1000000000LL + now->tv_nsec + seam_offset_ns;
  now->tv_sec = (time_t)(ns / 1000000000LL);
  now->tv_nsec = seam_at_second_end ? 999999999L : (long)(ns % 1000000000LL);
}

static long waited_ms_for_a_full_pool(unsigned int timeout_ms) {
  fake_config config = {0};
  msg_store *store = open_pool(&config, 1, timeout_ms);
  msg_backend_conn *held, *extra;
  msg_error err = {0};
  assert_ok(msg__pool_acquire(store, &held, &err), err);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  assert_error(msg__pool_acquire(store, &extra, &err), err, MSG_ERR_UNAVAILABLE, "");
  clock_gettime(CLOCK_MONOTONIC, &t1);
  ck_assert_uint_eq(stats_of(store).pool_timeouts, 1);
  msg__pool_release(store, held, MSG_OK);
  msg_store_close(store);
  return (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
}

START_TEST(pool__waits_are_measured_from_the_monotonic_seam) {
  void (*real)(struct timespec *) = msg__clock_monotonic;
  msg__clock_monotonic = seam_now;
  /* "Now" ten seconds ago: a 2 s deadline has already passed. */
  seam_offset_ns = -10000000000LL;
  seam_at_second_end = 0;
  long ms = waited_ms_for_a_full_pool(2000);
  ck_assert_msg(ms < 1000, "waited %ld ms for a deadline in the past", ms);
  /* "Now" half a second behind: a 700 ms wait ends after about 200 ms. */
  seam_offset_ns = -500000000LL;
  ms = waited_ms_for_a_full_pool(700);
  ck_assert_msg(ms >= 150 && ms < 650, "waited %ld ms, want about 200", ms);
  /* The last nanosecond of a second, plus 1 ms: the carry must make a valid
   * deadline (a tv_nsec of 10^9 or more would make the wait fail at once,
   * EINVAL, and spin), within a second and a millisecond of the real now. */
  seam_offset_ns = 0;
  seam_at_second_end = 1;
  ms = waited_ms_for_a_full_pool(1);
  ck_assert_msg(ms < 1100, "waited %ld ms", ms);
  msg__clock_monotonic = real;
}
END_TEST

Suite *pool_suite(void) {
  Suite *s = suite_create("pool");
  TCase *tc = unit_tcase("pool");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, pool__reuses_an_idle_connection);
  tcase_add_test(tc, pool__grows_to_its_size_then_times_out);
  tcase_add_test(tc, pool__waiting_call_gets_the_released_connection);
  tcase_add_test(tc, pool__drops_a_connection_that_reported_unavailable);
  tcase_add_test(tc, pool__keeps_a_connection_after_other_errors);
  tcase_add_test(tc, pool__recovers_when_the_database_comes_back);
  tcase_add_test(tc, pool__never_lends_one_connection_twice_or_exceeds_its_size);
  tcase_add_test(tc, pool__is_not_used_by_a_backend_without_connections);
  tcase_add_test(tc, calls__without_a_method_are_unsupported);
  tcase_add_test(tc, calls__fill_a_message_when_the_backend_gives_none);
  tcase_add_test(tc, calls__pass_the_backend_message_on);
  tcase_add_test(tc, pool__deadline_adds_milliseconds_and_carries_into_seconds);
  tcase_add_test(tc, pool__waits_are_measured_from_the_monotonic_seam);
  suite_add_tcase(s, tc);
  return s;
}
