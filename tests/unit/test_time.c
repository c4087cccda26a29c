/*
 * time.c: RFC 3339 formatting and parsing, offsets, calendar rules and the
 * 0001..9999 range.
 */
#include "unit.h"

#include <string.h>

#define MIN_MICROS INT64_C(-62135596800000000) /* 0001-01-01T00:00:00Z */
#define MAX_MICROS INT64_C(253402300799999999) /* 9999-12-31T23:59:59.999999Z */

static void assert_format(int64_t micros, const char *want) {
  char buf[MSG_TIME_TEXT_SIZE];
  msg_error err = {0};
  assert_ok(msg_time_format(buf, sizeof buf, micros, &err), err);
  ck_assert_str_eq(buf, want);
}

static void assert_parse(const char *text, int64_t want) {
  int64_t got = 0;
  msg_error err = {0};
  assert_ok(msg_time_parse(&got, text, &err), err);
  ck_assert_msg(got == want, "'%s' parsed as %lld, want %lld", text, (long long)got,
                (long long)want);
}

static void assert_parse_fails(const char *text) {
  int64_t got = 12345;
  msg_error err;
  assert_invalid(msg_time_parse(&got, text, &err), err, "");
  ck_assert_int_eq(got, 12345);
}

START_TEST(format__writes_utc_with_six_fraction_digits) {
  assert_format(0, "1970-01-01T00:00:00.000000Z");
  assert_format(INT64_C(1795903526123456), "2026-11-28T22:05:26.123456Z");
  assert_format(-1, "1969-12-31T23:59:59.999999Z");
  assert_format(INT64_C(951782400000000), "2000-02-29T00:00:00.000000Z");
}
END_TEST

START_TEST(format__covers_years_0001_to_9999) {
  assert_format(MIN_MICROS, "0001-01-01T00:00:00.000000Z");
  assert_format(MAX_MICROS, "9999-12-31T23:59:59.999999Z");
}
END_TEST

START_TEST(format__rejects_times_outside_the_range) {
  char buf[MSG_TIME_TEXT_SIZE];
  msg_error err;
  assert_invalid(msg_time_format(buf, sizeof buf, MIN_MICROS - 1, &err), err, "");
  assert_invalid(msg_time_format(buf, sizeof buf, MAX_MICROS + 1, &err), err, "");
  assert_invalid(msg_time_format(buf, sizeof buf, INT64_MIN, &err), err, "");
}
END_TEST

START_TEST(format__rejects_a_small_buffer) {
  char buf[MSG_TIME_TEXT_SIZE];
  msg_error err;
  assert_invalid(msg_time_format(buf, MSG_TIME_TEXT_SIZE - 1, 0, &err), err, "");
  assert_invalid(msg_time_format(NULL, MSG_TIME_TEXT_SIZE, 0, &err), err, "");
}
END_TEST

START_TEST(parse__round_trips_format) {
  const int64_t samples[] = {0,
                             1,
                             -1,
                             MIN_MICROS,
                             MAX_MICROS,
                             INT64_C(1795903526123456),
                             INT64_C(951782399999999),
                             INT64_C(-2208988800000000)};
  for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    char buf[MSG_TIME_TEXT_SIZE];
    msg_error err = {0};
    assert_ok(msg_time_format(buf, sizeof buf, samples[i], &err), err);
    assert_parse(buf, samples[i]);
  }
  /* Every day of a leap-year span, at noon. */
  for (int64_t day = -800; day < 800; day++) {
    int64_t t = day * INT64_C(86400000000) + INT64_C(43200000000);
    char buf[MSG_TIME_TEXT_SIZE];
    msg_error err = {0};
    assert_ok(msg_time_format(buf, sizeof buf, t, &err), err);
    assert_parse(buf, t);
  }
}
END_TEST

START_TEST(parse__applies_offsets) {
  assert_parse("2026-11-28T23:05:26+01:00", INT64_C(1795903526000000));
  assert_parse("2026-11-28T16:35:26-05:30", INT64_C(1795903526000000));
  assert_parse("2026-11-28T22:05:26+00:00", INT64_C(1795903526000000));
  assert_parse("2026-11-28T22:05:26-00:00", INT64_C(1795903526000000));
  assert_parse("1970-01-01T00:00:00+23:59", -INT64_C(86340000000));
}
END_TEST

START_TEST(parse__accepts_lowercase_t_and_z_and_0_to_6_fraction_digits) {
  assert_parse("2026-11-28t22:05:26z", INT64_C(1795903526000000));
  assert_parse("2026-11-28T22:05:26.1Z", INT64_C(1795903526100000));
  assert_parse("2026-11-28T22:05:26.12345Z", INT64_C(1795903526123450));
  assert_parse("2026-11-28T22:05:26.123456Z", INT64_C(1795903526123456));
}
END_TEST

START_TEST(parse__accepts_leap_days) {
  assert_parse("2024-02-29T00:00:00Z", INT64_C(1709164800000000));
  assert_parse("2000-02-29T00:00:00Z", INT64_C(951782400000000));
}
END_TEST

START_TEST(parse__rejects_impossible_dates_and_times) {
  assert_parse_fails("2023-02-29T00:00:00Z");
  assert_parse_fails("1900-02-29T00:00:00Z");
  assert_parse_fails("2026-02-30T00:00:00Z");
  assert_parse_fails("2026-04-31T00:00:00Z");
  assert_parse_fails("2026-13-01T00:00:00Z");
  assert_parse_fails("2026-00-01T00:00:00Z");
  assert_parse_fails("2026-01-00T00:00:00Z");
  assert_parse_fails("2026-01-01T24:00:00Z");
  assert_parse_fails("2026-01-01T00:60:00Z");
  assert_parse_fails("2026-01-01T00:00:60Z");
  assert_parse_fails("2026-01-01T00:00:00+24:00");
  assert_parse_fails("2026-01-01T00:00:00+01:60");
}
END_TEST

START_TEST(parse__rejects_malformed_text) {
  assert_parse_fails("");
  assert_parse_fails("2026-11-28");
  assert_parse_fails("2026-11-28 22:05:26Z");
  assert_parse_fails("2026-11-28T22:05:26");
  assert_parse_fails("2026-11-28T22:05:26.Z");
  assert_parse_fails("2026-11-28T22:05:26.1234567Z");
  assert_parse_fails("2026-11-28T22:05:26Z ");
  assert_parse_fails("2026-11-28T22:05:26+0100");
  assert_parse_fails("2026-11-28T22:05Z");
  assert_parse_fails("26-11-28T22:05:26Z");
  assert_parse_fails("+2026-11-28T22:05:26Z");
  assert_parse_fails("2026-1-28T22:05:26Z");
}
END_TEST

START_TEST(parse__rejects_years_outside_0001_to_9999) {
  assert_parse_fails("0000-12-31T23:59:59Z");
  assert_parse_fails("0001-01-01T00:00:00+00:01");
  assert_parse_fails("9999-12-31T23:59:59-00:01");
  assert_parse("0001-01-01T00:00:00Z", MIN_MICROS);
  assert_parse("9999-12-31T23:59:59.999999Z", MAX_MICROS);
}
END_TEST

START_TEST(parse__rejects_null_arguments) {
  int64_t out;
  msg_error err;
  assert_invalid(msg_time_parse(&out, NULL, &err), err, "");
  assert_invalid(msg_time_parse(NULL, "2026-11-28T22:05:26Z", &err), err, "");
}
END_TEST

Suite *time_suite(void) {
  Suite *s = suite_create("time");
  TCase *tc = unit_tcase("time");
  tcase_add_test(tc, format__writes_utc_with_six_fraction_digits);
  tcase_add_test(tc, format__covers_years_0001_to_9999);
  tcase_add_test(tc, format__rejects_times_outside_the_range);
  tcase_add_test(tc, format__rejects_a_small_buffer);
  tcase_add_test(tc, parse__round_trips_format);
  tcase_add_test(tc, parse__applies_offsets);
  tcase_add_test(tc, parse__accepts_lowercase_t_and_z_and_0_to_6_fraction_digits);
  tcase_add_test(tc, parse__accepts_leap_days);
  tcase_add_test(tc, parse__rejects_impossible_dates_and_times);
  tcase_add_test(tc, parse__rejects_malformed_text);
  tcase_add_test(tc, parse__rejects_years_outside_0001_to_9999);
  tcase_add_test(tc, parse__rejects_null_arguments);
  suite_add_tcase(s, tc);
  return s;
}
