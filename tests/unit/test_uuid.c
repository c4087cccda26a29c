/*
 * uuid.c and clock.c: UUIDv7 layout (RFC 9562), ordering that follows
 * created_at, canonical text, and the strictly increasing clock.
 */
#include "unit.h"

#include "clock.h"
#include "uuid.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* 2026-11-28T22:05:26.123456Z */
#define SOME_MICROS INT64_C(1795903526123456)

static void make(char id[MSG_ID_LEN + 1], uint8_t bytes[16], int64_t micros) {
  msg_error err = {0};
  assert_ok(msg__uuid_v7(id, micros, &err), err);
  ck_assert_int_eq(msg__uuid_parse(bytes, id), 0);
}

START_TEST(v7__sets_version_7_and_variant_10) {
  char id[MSG_ID_LEN + 1];
  uint8_t b[16];
  for (int i = 0; i < 100; i++) {
    make(id, b, SOME_MICROS + i);
    ck_assert_int_eq(b[6] >> 4, 7);
    ck_assert_int_eq(b[8] >> 6, 2);
    ck_assert_int_eq(id[14], '7');
    ck_assert(strchr("89ab", id[19]) != NULL);
  }
}
END_TEST

START_TEST(v7__carries_unix_milliseconds_and_sub_millisecond_fraction) {
  char id[MSG_ID_LEN + 1];
  uint8_t b[16];
  make(id, b, SOME_MICROS);
  uint64_t ms = 0;
  for (int i = 0; i < 6; i++)
    ms = ms << 8 | b[i];
  ck_assert_uint_eq(ms, (uint64_t)(SOME_MICROS / 1000));
  unsigned int rand_a = (unsigned int)(b[6] & 0x0f) << 8 | b[7];
  ck_assert_uint_eq(rand_a, (unsigned int)((SOME_MICROS % 1000) * 4096 / 1000));
}
END_TEST

START_TEST(v7__ids_sort_like_their_created_at) {
  char prev[MSG_ID_LEN + 1], id[MSG_ID_LEN + 1];
  uint8_t b[16];
  make(prev, b, SOME_MICROS);
  for (int64_t t = SOME_MICROS + 1; t < SOME_MICROS + 5000; t++) {
    make(id, b, t);
    ck_assert_msg(strcmp(prev, id) < 0, "%s !< %s at %lld", prev, id, (long long)t);
    memcpy(prev, id, sizeof id);
  }
}
END_TEST

START_TEST(v7__random_bits_differ_for_the_same_time) {
  char a[MSG_ID_LEN + 1], b[MSG_ID_LEN + 1];
  uint8_t bytes[16];
  make(a, bytes, SOME_MICROS);
  make(b, bytes, SOME_MICROS);
  ck_assert_str_ne(a, b);
  ck_assert_int_eq(strncmp(a, b, 18), 0); /* same time, same first 18 characters */
}
END_TEST

START_TEST(format__writes_canonical_lowercase) {
  uint8_t b[16];
  for (int i = 0; i < 16; i++)
    b[i] = (uint8_t)(0xf0 + i);
  char text[MSG_ID_LEN + 1];
  msg__uuid_format(text, b);
  ck_assert_str_eq(text, "f0f1f2f3-f4f5-f6f7-f8f9-fafbfcfdfeff");
}
END_TEST

START_TEST(parse__round_trips_with_format) {
  const char *id = "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11";
  uint8_t b[16];
  char text[MSG_ID_LEN + 1];
  ck_assert_int_eq(msg__uuid_parse(b, id), 0);
  msg__uuid_format(text, b);
  ck_assert_str_eq(text, id);
}
END_TEST

START_TEST(parse__rejects_uppercase_and_malformed) {
  uint8_t b[16];
  ck_assert_int_eq(msg__uuid_parse(b, "0192D4A4-6AD0-7C38-9B7E-2F4E4C1B8A11"), -1);
  ck_assert_int_eq(msg__uuid_parse(b, "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a1"), -1);
  ck_assert_int_eq(msg__uuid_parse(b, "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a111"), -1);
  ck_assert_int_eq(msg__uuid_parse(b, "0192d4a4x6ad0-7c38-9b7e-2f4e4c1b8a11"), -1);
  ck_assert_int_eq(msg__uuid_parse(b, "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8z11"), -1);
  ck_assert_int_eq(msg__uuid_parse(b, ""), -1);
}
END_TEST

START_TEST(clock__is_strictly_increasing) {
  int64_t prev = msg__clock_next_micros();
  for (int i = 0; i < 100000; i++) {
    int64_t now = msg__clock_next_micros();
    ck_assert_int_gt(now, prev);
    prev = now;
  }
}
END_TEST

START_TEST(clock__is_close_to_wall_time) {
  /* 2020-01-01 .. 2100-01-01: a unit error (ms, ns) would land far outside. */
  int64_t now = msg__clock_next_micros();
  ck_assert_int_gt(now, INT64_C(1577836800000000));
  ck_assert_int_lt(now, INT64_C(4102444800000000));
}
END_TEST

#define CLOCK_THREADS 4
#define CLOCK_READS 20000

static void *read_clock(void *arg) {
  int64_t *out = arg;
  for (int i = 0; i < CLOCK_READS; i++)
    out[i] = msg__clock_next_micros();
  return NULL;
}

static int compare_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

START_TEST(clock__never_repeats_across_threads) {
  int64_t *all = malloc(sizeof *all * CLOCK_THREADS * CLOCK_READS);
  ck_assert_ptr_nonnull(all);
  pthread_t threads[CLOCK_THREADS];
  for (int t = 0; t < CLOCK_THREADS; t++)
    ck_assert_int_eq(pthread_create(&threads[t], NULL, read_clock, all + t * CLOCK_READS), 0);
  for (int t = 0; t < CLOCK_THREADS; t++)
    pthread_join(threads[t], NULL);
  for (int t = 0; t < CLOCK_THREADS; t++) {
    for (int i = 1; i < CLOCK_READS; i++)
      ck_assert_int_gt(all[t * CLOCK_READS + i], all[t * CLOCK_READS + i - 1]);
  }
  qsort(all, CLOCK_THREADS * CLOCK_READS, sizeof *all, compare_i64);
  for (int i = 1; i < CLOCK_THREADS * CLOCK_READS; i++)
    ck_assert_int_ne(all[i], all[i - 1]);
  free(all);
}
END_TEST

Suite *uuid_suite(void) {
  Suite *s = suite_create("uuid");
  TCase *tc = unit_tcase("uuid");
  tcase_add_test(tc, v7__sets_version_7_and_variant_10);
  tcase_add_test(tc, v7__carries_unix_milliseconds_and_sub_millisecond_fraction);
  tcase_add_test(tc, v7__ids_sort_like_their_created_at);
  tcase_add_test(tc, v7__random_bits_differ_for_the_same_time);
  tcase_add_test(tc, format__writes_canonical_lowercase);
  tcase_add_test(tc, parse__round_trips_with_format);
  tcase_add_test(tc, parse__rejects_uppercase_and_malformed);
  tcase_add_test(tc, clock__is_strictly_increasing);
  tcase_add_test(tc, clock__is_close_to_wall_time);
  tcase_add_test(tc, clock__never_repeats_across_threads);
  suite_add_tcase(s, tc);
  return s;
}
