/*
 * Conformance of msg_time_format and msg_time_parse: the exact RFC 3339 text,
 * the year and buffer limits, offsets, and everything the parser must refuse.
 * These need no store but run with every backend like the rest.
 */
#include "conformance.h"

#include <string.h>

#define YEAR_1_MICROS INT64_C(-62135596800000000)
#define YEAR_9999_END_MICROS INT64_C(253402300799999999)
#define SAMPLE_MICROS INT64_C(1795903526123456) /* 2026-11-28T22:05:26.123456Z */

static void assert_formats(int64_t micros, const char *want) {
  char buf[MSG_TIME_TEXT_SIZE + 8];
  memset(buf, '#', sizeof buf);
  msg_error err;
  conf_error_poison(&err);
  int rc = msg_time_format(buf, MSG_TIME_TEXT_SIZE, micros, &err);
  CONF_ASSERT_OK(rc, err);
  ck_assert_str_eq(buf, want);
  ck_assert_msg(conf_error_is_poisoned(&err), "a successful format wrote to the error record");
  for (size_t i = MSG_TIME_TEXT_SIZE; i < sizeof buf; i++)
    ck_assert_msg(buf[i] == '#', "msg_time_format wrote past the size it was given");
}

static void assert_parses(const char *text, int64_t want) {
  int64_t got = 0;
  msg_error err;
  conf_error_poison(&err);
  int rc = msg_time_parse(&got, text, &err);
  ck_assert_msg(rc == MSG_OK, "'%s' was refused: %s", text, err.message);
  ck_assert_msg(got == want, "'%s' parsed to %lld, want %lld", text, (long long)got,
                (long long)want);
  ck_assert_msg(conf_error_is_poisoned(&err), "a successful parse wrote to the error record");
}

static void assert_refused(const char *text) {
  int64_t got = 0;
  msg_error err;
  int rc = msg_time_parse(&got, text, &err);
  ck_assert_msg(rc == MSG_ERR_INVALID, "'%s' gave %s, want invalid", text ? text : "(null)",
                msg_status_str(rc));
  CONF_ASSERT_ERROR(rc, err, MSG_ERR_INVALID, "");
}

START_TEST(time__format_gives_utc_with_six_fraction_digits) {
  assert_formats(SAMPLE_MICROS, "2026-11-28T22:05:26.123456Z");
  assert_formats(0, "1970-01-01T00:00:00.000000Z");
  assert_formats(1, "1970-01-01T00:00:00.000001Z");
  assert_formats(-1, "1969-12-31T23:59:59.999999Z");
  assert_formats(INT64_C(1709164800000000), "2024-02-29T00:00:00.000000Z");
}
END_TEST

START_TEST(time__format_covers_years_1_to_9999) {
  assert_formats(YEAR_1_MICROS, "0001-01-01T00:00:00.000000Z");
  assert_formats(YEAR_9999_END_MICROS, "9999-12-31T23:59:59.999999Z");
}
END_TEST

START_TEST(time__format_rejects_years_outside_1_to_9999) {
  static const int64_t outside[] = {YEAR_1_MICROS - 1, YEAR_9999_END_MICROS + 1, INT64_MIN,
                                    INT64_MAX};
  for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
    char buf[MSG_TIME_TEXT_SIZE];
    msg_error err;
    int rc = msg_time_format(buf, sizeof buf, outside[i], &err);
    CONF_ASSERT_ERROR(rc, err, MSG_ERR_INVALID, "");
  }
}
END_TEST

START_TEST(time__format_rejects_a_buffer_one_byte_short) {
  char buf[MSG_TIME_TEXT_SIZE];
  memset(buf, '#', sizeof buf);
  msg_error err;
  int rc = msg_time_format(buf, MSG_TIME_TEXT_SIZE - 1, SAMPLE_MICROS, &err);
  CONF_ASSERT_ERROR(rc, err, MSG_ERR_INVALID, "");
  ck_assert_msg(buf[MSG_TIME_TEXT_SIZE - 1] == '#', "wrote past the size it was given");
  ck_assert_int_eq(msg_time_format(buf, 0, SAMPLE_MICROS, NULL), MSG_ERR_INVALID);
}
END_TEST

START_TEST(time__parse_reads_fractions_and_offsets) {
  assert_parses("2026-11-28T22:05:26Z", SAMPLE_MICROS - 123456);
  assert_parses("2026-11-28T22:05:26.1Z", SAMPLE_MICROS - 23456);
  assert_parses("2026-11-28T22:05:26.123456Z", SAMPLE_MICROS);
  assert_parses("2026-11-28T22:05:26.123456+00:00", SAMPLE_MICROS);
  assert_parses("2026-11-28T22:05:26.123456-00:00", SAMPLE_MICROS);
  assert_parses("2026-11-28T23:05:26.123456+01:00", SAMPLE_MICROS);
  assert_parses("2026-11-28T16:35:26.123456-05:30", SAMPLE_MICROS);
  assert_parses("2026-11-29T07:50:26.123456+09:45", SAMPLE_MICROS);
  assert_parses("1969-12-31T23:59:59.999999Z", -1);
  assert_parses("2024-02-29T00:00:00Z", INT64_C(1709164800000000));
  assert_parses("0001-01-01T00:00:00Z", YEAR_1_MICROS);
  assert_parses("9999-12-31T23:59:59.999999Z", YEAR_9999_END_MICROS);
}
END_TEST

START_TEST(time__parse_refuses_anything_else) {
  static const char *const bad[] = {
      "",
      "2026-11-28",
      "2026-11-28T22:05:26",
      "2026-11-28T22:05Z",
      "2026-11-28T22:05:26.Z",
      "2026-11-28T22:05:26.1234567Z",
      "2026-11-28T22:05:26.12a456Z",
      "2026-00-28T22:05:26Z",
      "2026-13-28T22:05:26Z",
      "2026-11-00T22:05:26Z",
      "2026-11-31T22:05:26Z",
      "2023-02-29T00:00:00Z",
      "2026-11-28T24:00:00Z",
      "2026-11-28T22:60:00Z",
      "2026-11-28T22:05:61Z",
      "2026-11-28T22:05:26+0100",
      "2026-11-28T22:05:26+01",
      "2026-11-28T22:05:26+24:00",
      "2026-11-28T22:05:26+01:60",
      "2026-11-28T22:05:26Zjunk",
      "2026-11-28T22:05:26Z ",
      " 2026-11-28T22:05:26Z",
      "26-11-28T22:05:26Z",
      "2026-1-28T22:05:26Z",
      "+2026-11-28T22:05:26Z",
      "2026/11/28T22:05:26Z",
      "1795903526123456",
      "now",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_refused(bad[i]);
  assert_refused(NULL);
}
END_TEST

START_TEST(time__format_then_parse_round_trips) {
  static const int64_t values[] = {0,
                                   1,
                                   -1,
                                   SAMPLE_MICROS,
                                   YEAR_1_MICROS,
                                   YEAR_9999_END_MICROS,
                                   INT64_C(951782400000001),
                                   INT64_C(-2208988800000000)};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    char buf[MSG_TIME_TEXT_SIZE];
    int64_t back = 0;
    ck_assert_int_eq(msg_time_format(buf, sizeof buf, values[i], NULL), MSG_OK);
    ck_assert_int_eq(strlen(buf), MSG_TIME_TEXT_SIZE - 1);
    ck_assert_int_eq(msg_time_parse(&back, buf, NULL), MSG_OK);
    ck_assert_msg(back == values[i], "%s parsed back to %lld, want %lld", buf, (long long)back,
                  (long long)values[i]);
  }
}
END_TEST

Suite *conformance_time_suite(void) {
  Suite *s = suite_create("time");
  TCase *tc = tcase_create("time");
  tcase_add_test(tc, time__format_gives_utc_with_six_fraction_digits);
  tcase_add_test(tc, time__format_covers_years_1_to_9999);
  tcase_add_test(tc, time__format_rejects_years_outside_1_to_9999);
  tcase_add_test(tc, time__format_rejects_a_buffer_one_byte_short);
  tcase_add_test(tc, time__parse_reads_fractions_and_offsets);
  tcase_add_test(tc, time__parse_refuses_anything_else);
  tcase_add_test(tc, time__format_then_parse_round_trips);
  suite_add_tcase(s, tc);
  return s;
}
