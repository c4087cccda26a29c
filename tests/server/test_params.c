/*
 * Request parameters (server/params.c): integers, the page request, the
 * search filter, and the response each form error gets (400 for the query
 * string itself, 422 naming the field for a value of the wrong form).
 */
#include "server_unit.h"

#include "params.h"

#include <stdlib.h>
#include <string.h>

static query q;

static void teardown(void) {
  msg__query_free(&q);
}

static void parse(const char *qs) {
  const char *why = NULL;
  ck_assert_msg(msg__query_parse(&q, qs, &why) == QUERY_OK, "'%s': %s", qs ? qs : "(null)", why ? why : "?");
}

START_TEST(params__integer_reads_signed_decimals) {
  int64_t v = 0;
  ck_assert_int_eq(msg__params_integer("42", &v), 0);
  ck_assert_int_eq(v, 42);
  ck_assert_int_eq(msg__params_integer("-7", &v), 0);
  ck_assert_int_eq(v, -7);
  ck_assert_int_eq(msg__params_integer("+0012", &v), 0);
  ck_assert_int_eq(v, 12);
}
END_TEST

START_TEST(params__integer_refuses_anything_but_digits) {
  static const char *const bad[] = {"", "-", "+", "1.5", "1e3", " 1", "1 ", "0x10", "--1", "ten"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int64_t v = 99;
    ck_assert_msg(msg__params_integer(bad[i], &v) == -1, "'%s' accepted", bad[i]);
    ck_assert_int_eq(v, 99);
  }
}
END_TEST

START_TEST(params__integer_clamps_beyond_int64_so_the_library_refuses_it) {
  int64_t v = 0;
  ck_assert_int_eq(msg__params_integer("9223372036854775807", &v), 0);
  ck_assert_int_eq(v, INT64_MAX);
  ck_assert_int_eq(msg__params_integer("99999999999999999999999", &v), 0);
  ck_assert_int_eq(v, INT64_MAX);
  ck_assert_int_eq(msg__params_integer("-99999999999999999999999", &v), 0);
  ck_assert_int_eq(v, -INT64_MAX);
}
END_TEST

START_TEST(params__page_reads_limit_and_cursor) {
  parse("limit=25&cursor=abc");
  msg_page_request page = MSG_PAGE_REQUEST_INIT;
  params_problem p;
  ck_assert_int_eq(msg__params_page_read(&q, &page, &p), 0);
  ck_assert_int_eq(page.limit, 25);
  ck_assert_str_eq(page.cursor, "abc");
}
END_TEST

START_TEST(params__page_keeps_the_default_limit_when_none_is_given) {
  parse("");
  msg_page_request page = MSG_PAGE_REQUEST_INIT;
  int64_t default_limit = page.limit;
  params_problem p;
  ck_assert_int_eq(msg__params_page_read(&q, &page, &p), 0);
  ck_assert_int_eq(page.limit, default_limit);
  ck_assert_ptr_null(page.cursor);
}
END_TEST

START_TEST(params__page_limit_that_is_not_an_integer_is_bad_limit) {
  parse("limit=ten");
  msg_page_request page = MSG_PAGE_REQUEST_INIT;
  params_problem p = {PARAMS_NOMEM, NULL};
  ck_assert_int_eq(msg__params_page_read(&q, &page, &p), -1);
  ck_assert_int_eq(p.kind, PARAMS_BAD_LIMIT);
  ck_assert_str_eq(p.field, "limit");
}
END_TEST

START_TEST(params__page_repeated_cursor_is_repeated) {
  parse("cursor=a&limit=2&cursor=b");
  msg_page_request page = MSG_PAGE_REQUEST_INIT;
  params_problem p = {PARAMS_NOMEM, NULL};
  ck_assert_int_eq(msg__params_page_read(&q, &page, &p), -1);
  ck_assert_int_eq(p.kind, PARAMS_REPEATED);
  ck_assert_str_eq(p.field, "cursor");
}
END_TEST

START_TEST(params__search_reads_every_filter_member) {
  parse("account_id=1,2&account_id=-3&message_id=m1&sender_number=%2B1555,%2B1556"
        "&receiver_number=%2B1557&created_after=2026-01-01T00:00:00Z"
        "&created_before=2026-02-01T00:00:00Z&q=hello+world");
  search_params sp;
  params_problem p;
  ck_assert_int_eq(msg__params_search_read(&q, &sp, &p), 0);
  const msg_filter *f = &sp.filter;
  ck_assert_uint_eq(f->account_id_count, 3);
  ck_assert_int_eq(f->account_ids[0], 1);
  ck_assert_int_eq(f->account_ids[1], 2);
  ck_assert_int_eq(f->account_ids[2], -3);
  ck_assert_uint_eq(f->message_id_count, 1);
  ck_assert_str_eq(f->message_ids[0], "m1");
  ck_assert_uint_eq(f->sender_number_count, 2);
  ck_assert_str_eq(f->sender_numbers[0], "+1555");
  ck_assert_str_eq(f->sender_numbers[1], "+1556");
  ck_assert_uint_eq(f->receiver_number_count, 1);
  ck_assert_str_eq(f->receiver_numbers[0], "+1557");
  int64_t after, before;
  ck_assert_int_eq(msg_time_parse(&after, "2026-01-01T00:00:00Z", NULL), MSG_OK);
  ck_assert_int_eq(msg_time_parse(&before, "2026-02-01T00:00:00Z", NULL), MSG_OK);
  ck_assert(f->has_created_after);
  ck_assert_int_eq(f->created_after, after);
  ck_assert(f->has_created_before);
  ck_assert_int_eq(f->created_before, before);
  ck_assert_str_eq(f->q, "hello world");
  msg__params_search_free(&sp);
}
END_TEST

START_TEST(params__search_without_parameters_matches_everything) {
  parse(NULL);
  search_params sp;
  params_problem p;
  ck_assert_int_eq(msg__params_search_read(&q, &sp, &p), 0);
  ck_assert_uint_eq(sp.filter.account_id_count, 0);
  ck_assert_uint_eq(sp.filter.message_id_count, 0);
  ck_assert(!sp.filter.has_created_after);
  ck_assert(!sp.filter.has_created_before);
  ck_assert_ptr_null(sp.filter.q);
  msg__params_search_free(&sp);
}
END_TEST

/* Reads `qs` as a search and expects `kind` naming `field`. */
static void search_refused(const char *qs, params_problem_kind kind, const char *field) {
  parse(qs);
  search_params sp;
  params_problem p = {PARAMS_NOMEM, NULL};
  ck_assert_msg(msg__params_search_read(&q, &sp, &p) == -1, "'%s' accepted", qs);
  ck_assert_int_eq(p.kind, kind);
  ck_assert_str_eq(p.field, field);
  msg__params_search_free(&sp);
  msg__query_free(&q);
}

START_TEST(params__search_names_the_field_of_each_form_error) {
  search_refused("account_id=1,x", PARAMS_BAD_INTEGER, "account_id");
  search_refused("created_after=yesterday", PARAMS_BAD_TIME, "created_after");
  search_refused("created_before=2026-13-01T00:00:00Z", PARAMS_BAD_TIME, "created_before");
  search_refused("q=a&q=b", PARAMS_REPEATED, "q");
  search_refused("created_after=2026-01-01T00:00:00Z&created_after=2026-01-02T00:00:00Z",
                 PARAMS_REPEATED, "created_after");
}
END_TEST

START_TEST(params__search_reports_a_repeat_before_a_bad_value) {
  search_refused("created_after=bad&q=a&q=b", PARAMS_REPEATED, "q");
}
END_TEST

/* Sends the problem `p` and returns the captured body as JSON. */
static cJSON *sent(params_problem p, int want_status) {
  request_ctx req = captured_request("req-1", NULL);
  msg__params_problem_send(&req, &p);
  ck_assert_int_eq(captured.calls, 1);
  ck_assert_int_eq(captured.status, want_status);
  ck_assert_str_eq(captured.content_type, "application/problem+json");
  cJSON *json = captured_json();
  captured_request_free(&req);
  return json;
}

static const char *first_error_field(const cJSON *json) {
  const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(json, "errors"), 0);
  const cJSON *field = cJSON_GetObjectItemCaseSensitive(e, "field");
  return cJSON_IsString(field) ? field->valuestring : NULL;
}

START_TEST(params__a_repeated_parameter_is_400_naming_it) {
  cJSON *json = sent((params_problem){PARAMS_REPEATED, "cursor"}, 400);
  ck_assert_str_eq(first_error_field(json), "cursor");
  cJSON_Delete(json);
}
END_TEST

START_TEST(params__a_bad_limit_is_422_stating_the_range) {
  cJSON *json = sent((params_problem){PARAMS_BAD_LIMIT, "limit"}, 422);
  ck_assert_str_eq(first_error_field(json), "limit");
  const char *detail = cJSON_GetObjectItemCaseSensitive(json, "detail")->valuestring;
  ck_assert_str_eq(detail, "limit must be an integer from 1 to 1000");
  cJSON_Delete(json);
}
END_TEST

START_TEST(params__a_bad_integer_or_time_is_422_naming_the_field) {
  cJSON *json = sent((params_problem){PARAMS_BAD_INTEGER, "account_id"}, 422);
  ck_assert_str_eq(first_error_field(json), "account_id");
  cJSON_Delete(json);
  json = sent((params_problem){PARAMS_BAD_TIME, "created_before"}, 422);
  ck_assert_str_eq(first_error_field(json), "created_before");
  cJSON_Delete(json);
}
END_TEST

START_TEST(params__out_of_memory_is_500_without_a_field) {
  cJSON *json = sent((params_problem){PARAMS_NOMEM, NULL}, 500);
  ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(json, "errors"));
  cJSON_Delete(json);
}
END_TEST

/* Runs msg__params_query over `qs`; returns its result, the response in
 * `captured`. */
static int read_query(const char *qs, request_ctx *req) {
  static const char *const allowed[] = {"limit", "cursor", NULL};
  *req = captured_request("req-2", qs);
  return msg__params_query(req, &q, allowed);
}

START_TEST(params__query_accepts_allowed_parameters_without_a_response) {
  request_ctx req;
  ck_assert_int_eq(read_query("limit=1&cursor=x", &req), 0);
  ck_assert_int_eq(captured.calls, 0);
  ck_assert_uint_eq(q.count, 2);
  captured_request_free(&req);
}
END_TEST

START_TEST(params__query_unknown_parameter_is_400_naming_it) {
  request_ctx req;
  ck_assert_int_eq(read_query("limit=1&colour=red", &req), -1);
  ck_assert_int_eq(captured.status, 400);
  cJSON *json = captured_json();
  ck_assert_str_eq(first_error_field(json), "colour");
  cJSON_Delete(json);
  captured_request_free(&req);
}
END_TEST

START_TEST(params__query_malformed_string_is_400_saying_why) {
  request_ctx req;
  ck_assert_int_eq(read_query("limit=%zz", &req), -1);
  ck_assert_int_eq(captured.status, 400);
  cJSON *json = captured_json();
  const char *detail = cJSON_GetObjectItemCaseSensitive(json, "detail")->valuestring;
  ck_assert_msg(strstr(detail, "malformed") && strstr(detail, "percent-escape"), "%s", detail);
  cJSON_Delete(json);
  captured_request_free(&req);
}
END_TEST

Suite *params_suite(void) {
  Suite *s = suite_create("params");
  TCase *tc = tcase_create("params");
  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_add_test(tc, params__integer_reads_signed_decimals);
  tcase_add_test(tc, params__integer_refuses_anything_but_digits);
  tcase_add_test(tc, params__integer_clamps_beyond_int64_so_the_library_refuses_it);
  tcase_add_test(tc, params__page_reads_limit_and_cursor);
  tcase_add_test(tc, params__page_keeps_the_default_limit_when_none_is_given);
  tcase_add_test(tc, params__page_limit_that_is_not_an_integer_is_bad_limit);
  tcase_add_test(tc, params__page_repeated_cursor_is_repeated);
  tcase_add_test(tc, params__search_reads_every_filter_member);
  tcase_add_test(tc, params__search_without_parameters_matches_everything);
  tcase_add_test(tc, params__search_names_the_field_of_each_form_error);
  tcase_add_test(tc, params__search_reports_a_repeat_before_a_bad_value);
  tcase_add_test(tc, params__a_repeated_parameter_is_400_naming_it);
  tcase_add_test(tc, params__a_bad_limit_is_422_stating_the_range);
  tcase_add_test(tc, params__a_bad_integer_or_time_is_422_naming_the_field);
  tcase_add_test(tc, params__out_of_memory_is_500_without_a_field);
  tcase_add_test(tc, params__query_accepts_allowed_parameters_without_a_response);
  tcase_add_test(tc, params__query_unknown_parameter_is_400_naming_it);
  tcase_add_test(tc, params__query_malformed_string_is_400_saying_why);
  suite_add_tcase(s, tc);
  return s;
}
