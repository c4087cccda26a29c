/*
 * The path matcher (server/route_match.c): which undecoded paths match a
 * template, how "{name}" segments are decoded and counted, and when a bad
 * percent-escape is this route's 400 rather than no route at all.
 */
#include "server_unit.h"

#include "route_match.h"

#include <stdlib.h>

#define MESSAGES "/v1/accounts/{account_id}/messages"

static char *params[2];

static void teardown(void) {
  msg__route_match_free(params, 2);
}

START_TEST(route__matches_account_messages_with_numeric_id) {
  ck_assert_int_eq(msg__route_match(MESSAGES, "/v1/accounts/42/messages", params, 2),
                   ROUTE_MATCH_YES);
  ck_assert_str_eq(params[0], "42");
  ck_assert_ptr_null(params[1]);
}
END_TEST

START_TEST(route__matches_a_template_without_parameters_exactly) {
  ck_assert_int_eq(msg__route_match("/healthz", "/healthz", params, 2), ROUTE_MATCH_YES);
  ck_assert_ptr_null(params[0]);
  ck_assert_int_eq(msg__route_match("/healthz", "/healthz/", params, 2), ROUTE_MATCH_NO);
  ck_assert_int_eq(msg__route_match("/healthz", "/health", params, 2), ROUTE_MATCH_NO);
  ck_assert_int_eq(msg__route_match("/healthz", "/Healthz", params, 2), ROUTE_MATCH_NO);
}
END_TEST

START_TEST(route__refuses_an_empty_parameter_segment) {
  ck_assert_int_eq(msg__route_match(MESSAGES, "/v1/accounts//messages", params, 2), ROUTE_MATCH_NO);
}
END_TEST

START_TEST(route__refuses_extra_or_missing_segments) {
  ck_assert_int_eq(msg__route_match(MESSAGES, "/v1/accounts/42/messages/7", params, 2),
                   ROUTE_MATCH_NO);
  ck_assert_int_eq(msg__route_match(MESSAGES, "/v1/accounts/42", params, 2), ROUTE_MATCH_NO);
  ck_assert_int_eq(msg__route_match(MESSAGES, "/v1/accounts/42/messagesX", params, 2),
                   ROUTE_MATCH_NO);
}
END_TEST

START_TEST(route__decodes_parameters_but_an_escaped_slash_stays_inside_one) {
  ck_assert_int_eq(msg__route_match(MESSAGES, "/v1/accounts/a%2Fb%20c/messages", params, 2),
                   ROUTE_MATCH_YES);
  ck_assert_str_eq(params[0], "a/b c");
}
END_TEST

START_TEST(route__keeps_plus_as_plus_in_a_path) {
  ck_assert_int_eq(msg__route_match(MESSAGES, "/v1/accounts/+15550100/messages", params, 2),
                   ROUTE_MATCH_YES);
  ck_assert_str_eq(params[0], "+15550100");
}
END_TEST

START_TEST(route__fills_parameters_in_template_order) {
  ck_assert_int_eq(msg__route_match("/v1/{a}/x/{b}", "/v1/first/x/second", params, 2),
                   ROUTE_MATCH_YES);
  ck_assert_str_eq(params[0], "first");
  ck_assert_str_eq(params[1], "second");
}
END_TEST

START_TEST(route__refuses_more_parameters_than_the_array_holds) {
  ck_assert_int_eq(msg__route_match("/{a}/{b}/{c}", "/1/2/3", params, 2), ROUTE_MATCH_NO);
}
END_TEST

START_TEST(route__bad_escape_in_a_matching_path_is_bad_escape) {
  ck_assert_int_eq(msg__route_match(MESSAGES, "/v1/accounts/4%2/messages", params, 2),
                   ROUTE_MATCH_BAD_ESCAPE);
  ck_assert_int_eq(msg__route_match(MESSAGES, "/v1/accounts/%zz/messages", params, 2),
                   ROUTE_MATCH_BAD_ESCAPE);
  ck_assert_int_eq(msg__route_match(MESSAGES, "/v1/accounts/%00/messages", params, 2),
                   ROUTE_MATCH_BAD_ESCAPE);
}
END_TEST

START_TEST(route__bad_escape_in_a_path_of_another_shape_is_no_match) {
  ck_assert_int_eq(msg__route_match(MESSAGES, "/v1/accounts/%zz/other", params, 2), ROUTE_MATCH_NO);
}
END_TEST

START_TEST(route__frees_what_a_previous_match_left) {
  ck_assert_int_eq(msg__route_match(MESSAGES, "/v1/accounts/1/messages", params, 2),
                   ROUTE_MATCH_YES);
  /* The second template matches nothing: the earlier value must be gone,
   * not left for a handler to read (valgrind would also see it leak). */
  ck_assert_int_eq(msg__route_match("/healthz", "/readyz", params, 2), ROUTE_MATCH_NO);
  ck_assert_ptr_null(params[0]);
}
END_TEST

Suite *route_suite(void) {
  Suite *s = suite_create("route");
  TCase *tc = tcase_create("route");
  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_add_test(tc, route__matches_account_messages_with_numeric_id);
  tcase_add_test(tc, route__matches_a_template_without_parameters_exactly);
  tcase_add_test(tc, route__refuses_an_empty_parameter_segment);
  tcase_add_test(tc, route__refuses_extra_or_missing_segments);
  tcase_add_test(tc, route__decodes_parameters_but_an_escaped_slash_stays_inside_one);
  tcase_add_test(tc, route__keeps_plus_as_plus_in_a_path);
  tcase_add_test(tc, route__fills_parameters_in_template_order);
  tcase_add_test(tc, route__refuses_more_parameters_than_the_array_holds);
  tcase_add_test(tc, route__bad_escape_in_a_matching_path_is_bad_escape);
  tcase_add_test(tc, route__bad_escape_in_a_path_of_another_shape_is_no_match);
  tcase_add_test(tc, route__frees_what_a_previous_match_left);
  suite_add_tcase(s, tc);
  return s;
}
