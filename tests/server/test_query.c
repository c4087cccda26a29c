/*
 * Query strings and path segments (server/query.c): strict decoding, the
 * parameter bound, single and repeated/comma-separated values.
 */
#include "server_unit.h"

#include "query.h"

#include <stdlib.h>
#include <string.h>

/* Decodes `s` as a query string (plus_is_space) and returns the text, or
 * NULL with *why set. */
static char *decode(const char *s, int plus_is_space, const char **why) {
  int nomem = 0;
  *why = NULL;
  char *out = msg__query_decode(s, strlen(s), plus_is_space, why, &nomem);
  ck_assert_int_eq(nomem, 0);
  return out;
}

static void decodes_to(const char *s, int plus_is_space, const char *want) {
  const char *why;
  char *out = decode(s, plus_is_space, &why);
  ck_assert_msg(out != NULL, "'%s' refused: %s", s, why ? why : "?");
  ck_assert_str_eq(out, want);
  free(out);
}

static void refused(const char *s, const char *why_part) {
  const char *why;
  char *out = decode(s, 1, &why);
  ck_assert_msg(out == NULL, "'%s' decoded to '%s'", s, out ? out : "");
  ck_assert_ptr_nonnull(why);
  ck_assert_msg(strstr(why, why_part), "'%s': '%s' lacks '%s'", s, why, why_part);
}

START_TEST(query__decodes_escapes_in_either_case) {
  decodes_to("a%20b%2c%2Cc", 1, "a b,,c");
  decodes_to("%C3%A9t%c3%a9", 1, "\xc3\xa9t\xc3\xa9");
  decodes_to("", 1, "");
}
END_TEST

START_TEST(query__plus_is_a_space_only_in_query_strings) {
  decodes_to("a+b", 1, "a b");
  decodes_to("a+b", 0, "a+b");
  decodes_to("%2B", 1, "+");
}
END_TEST

START_TEST(query__refuses_incomplete_or_non_hex_escapes) {
  refused("%", "percent-escape");
  refused("a%2", "percent-escape");
  refused("%g0", "percent-escape");
  refused("%0g", "percent-escape");
}
END_TEST

START_TEST(query__refuses_an_escaped_nul) {
  refused("a%00b", "%00");
}
END_TEST

START_TEST(query__refuses_text_that_is_not_utf8_once_decoded) {
  refused("%ff", "UTF-8");
  refused("%C3", "UTF-8");
}
END_TEST

START_TEST(query__parses_keys_and_values_skipping_empty_pieces) {
  query q;
  const char *why = NULL;
  ck_assert_int_eq(msg__query_parse(&q, "a=1&&b=x+y&flag&c=", &why), QUERY_OK);
  ck_assert_uint_eq(q.count, 4);
  ck_assert_str_eq(q.items[0].key, "a");
  ck_assert_str_eq(q.items[0].value, "1");
  ck_assert_str_eq(q.items[1].key, "b");
  ck_assert_str_eq(q.items[1].value, "x y");
  ck_assert_str_eq(q.items[2].key, "flag");
  ck_assert_str_eq(q.items[2].value, "");
  ck_assert_str_eq(q.items[3].key, "c");
  ck_assert_str_eq(q.items[3].value, "");
  msg__query_free(&q);
  ck_assert_uint_eq(q.count, 0);
  ck_assert_ptr_null(q.items);
}
END_TEST

START_TEST(query__an_absent_or_empty_query_string_has_no_parameters) {
  query q;
  const char *why = NULL;
  ck_assert_int_eq(msg__query_parse(&q, NULL, &why), QUERY_OK);
  ck_assert_uint_eq(q.count, 0);
  ck_assert_int_eq(msg__query_parse(&q, "", &why), QUERY_OK);
  ck_assert_uint_eq(q.count, 0);
  msg__query_free(&q);
}
END_TEST

START_TEST(query__a_bad_escape_in_a_key_or_value_is_malformed) {
  query q;
  const char *why = NULL;
  ck_assert_int_eq(msg__query_parse(&q, "ok=1&bad%zz=1", &why), QUERY_MALFORMED);
  ck_assert_ptr_nonnull(why);
  msg__query_free(&q);
  why = NULL;
  ck_assert_int_eq(msg__query_parse(&q, "ok=1&k=%zz", &why), QUERY_MALFORMED);
  ck_assert_ptr_nonnull(why);
  msg__query_free(&q);
}
END_TEST

/* A query string of `n` parameters "a=1&a=1...". */
static char *params_of(size_t n) {
  char *qs = malloc(n * 4);
  ck_assert_ptr_nonnull(qs);
  for (size_t i = 0; i < n; i++)
    memcpy(qs + i * 4, "a=1&", 4);
  qs[n * 4 - 1] = '\0';
  return qs;
}

START_TEST(query__accepts_the_parameter_bound_and_refuses_one_more) {
  query q;
  const char *why = NULL;
  char *qs = params_of(QUERY_PARAMS_MAX);
  ck_assert_int_eq(msg__query_parse(&q, qs, &why), QUERY_OK);
  ck_assert_uint_eq(q.count, QUERY_PARAMS_MAX);
  msg__query_free(&q);
  free(qs);
  qs = params_of(QUERY_PARAMS_MAX + 1);
  ck_assert_int_eq(msg__query_parse(&q, qs, &why), QUERY_MALFORMED);
  ck_assert_str_eq(why, "too many parameters");
  msg__query_free(&q);
  free(qs);
}
END_TEST

START_TEST(query__names_the_first_unknown_key) {
  static const char *const allowed[] = {"limit", "cursor", NULL};
  query q;
  const char *why = NULL;
  ck_assert_int_eq(msg__query_parse(&q, "limit=1&cursor=x", &why), QUERY_OK);
  ck_assert_ptr_null(msg__query_unknown_key(&q, allowed));
  msg__query_free(&q);
  ck_assert_int_eq(msg__query_parse(&q, "limit=1&lmit=2&other=3", &why), QUERY_OK);
  ck_assert_str_eq(msg__query_unknown_key(&q, allowed), "lmit");
  msg__query_free(&q);
}
END_TEST

START_TEST(query__single_treats_empty_as_absent_and_flags_repeats) {
  query q;
  const char *why = NULL;
  int repeated = -1;
  ck_assert_int_eq(msg__query_parse(&q, "limit=5&cursor=&x=1&x=2", &why), QUERY_OK);
  ck_assert_str_eq(msg__query_single(&q, "limit", &repeated), "5");
  ck_assert_int_eq(repeated, 0);
  ck_assert_ptr_null(msg__query_single(&q, "cursor", &repeated));
  ck_assert_int_eq(repeated, 0);
  ck_assert_ptr_null(msg__query_single(&q, "absent", &repeated));
  ck_assert_int_eq(repeated, 0);
  ck_assert_ptr_nonnull(msg__query_single(&q, "x", &repeated));
  ck_assert_int_eq(repeated, 1);
  msg__query_free(&q);
}
END_TEST

START_TEST(query__multi_joins_repeats_and_comma_lists_skipping_empty_items) {
  query q;
  const char *why = NULL;
  ck_assert_int_eq(msg__query_parse(&q, "id=1,2&other=9&id=&id=,3,,4,", &why), QUERY_OK);
  const char **values = NULL;
  size_t n = 99;
  ck_assert_int_eq(msg__query_multi(&q, "id", &values, &n), QUERY_OK);
  ck_assert_uint_eq(n, 4);
  ck_assert_str_eq(values[0], "1");
  ck_assert_str_eq(values[1], "2");
  ck_assert_str_eq(values[2], "3");
  ck_assert_str_eq(values[3], "4");
  free(values);
  ck_assert_int_eq(msg__query_multi(&q, "absent", &values, &n), QUERY_OK);
  ck_assert_uint_eq(n, 0);
  ck_assert_ptr_null(values);
  msg__query_free(&q);
}
END_TEST

Suite *query_suite(void) {
  Suite *s = suite_create("query");
  TCase *tc = tcase_create("query");
  tcase_add_test(tc, query__decodes_escapes_in_either_case);
  tcase_add_test(tc, query__plus_is_a_space_only_in_query_strings);
  tcase_add_test(tc, query__refuses_incomplete_or_non_hex_escapes);
  tcase_add_test(tc, query__refuses_an_escaped_nul);
  tcase_add_test(tc, query__refuses_text_that_is_not_utf8_once_decoded);
  tcase_add_test(tc, query__parses_keys_and_values_skipping_empty_pieces);
  tcase_add_test(tc, query__an_absent_or_empty_query_string_has_no_parameters);
  tcase_add_test(tc, query__a_bad_escape_in_a_key_or_value_is_malformed);
  tcase_add_test(tc, query__accepts_the_parameter_bound_and_refuses_one_more);
  tcase_add_test(tc, query__names_the_first_unknown_key);
  tcase_add_test(tc, query__single_treats_empty_as_absent_and_flags_repeats);
  tcase_add_test(tc, query__multi_joins_repeats_and_comma_lists_skipping_empty_items);
  suite_add_tcase(s, tc);
  return s;
}
