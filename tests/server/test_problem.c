/*
 * Problem rendering (server/problem.c): the RFC 9457 body and media type
 * of every error response, and the one mapping from libmsg statuses to
 * HTTP statuses, with causes kept for the log and out of the body.
 */
#include "server_unit.h"

#include "problem.h"

#include <string.h>

static request_ctx req;

static void setup(void) {
  req = captured_request("req-42", NULL);
}
static void teardown(void) {
  captured_request_free(&req);
}

static const char *string_of(const cJSON *json, const char *name) {
  const cJSON *item = cJSON_GetObjectItemCaseSensitive(json, name);
  ck_assert_msg(cJSON_IsString(item), "no string member '%s' in %s", name, captured.body);
  return item->valuestring;
}

static msg_error store_error(int status, const char *field, const char *message) {
  msg_error err;
  memset(&err, 0, sizeof err);
  err.status = status;
  snprintf(err.field, sizeof err.field, "%s", field);
  snprintf(err.message, sizeof err.message, "%s", message);
  return err;
}

START_TEST(problem__titles_are_the_reason_phrases) {
  ck_assert_str_eq(msg__problem_title(400), "Bad Request");
  ck_assert_str_eq(msg__problem_title(404), "Not Found");
  ck_assert_str_eq(msg__problem_title(413), "Content Too Large");
  ck_assert_str_eq(msg__problem_title(422), "Unprocessable Content");
  ck_assert_str_eq(msg__problem_title(431), "Request Header Fields Too Large");
  ck_assert_str_eq(msg__problem_title(503), "Service Unavailable");
}
END_TEST

START_TEST(problem__unknown_statuses_get_their_class_title) {
  ck_assert_str_eq(msg__problem_title(418), "Bad Request");
  ck_assert_str_eq(msg__problem_title(599), "Internal Server Error");
}
END_TEST

START_TEST(problem__renders_rfc9457_members_and_media_type) {
  msg__problem_send(&req, 404, NULL, NULL, "message %s not found", "m-1");
  ck_assert_int_eq(captured.status, 404);
  ck_assert_str_eq(captured.content_type, "application/problem+json");
  ck_assert_str_eq(captured.extra_headers, "");
  cJSON *json = captured_json();
  ck_assert_str_eq(string_of(json, "type"), "about:blank");
  ck_assert_str_eq(string_of(json, "title"), "Not Found");
  ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(json, "status")->valuedouble, 404);
  ck_assert_str_eq(string_of(json, "detail"), "message m-1 not found");
  ck_assert_str_eq(string_of(json, "request_id"), "req-42");
  ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(json, "errors"));
  ck_assert_int_eq(cJSON_GetArraySize(json), 5);
  cJSON_Delete(json);
}
END_TEST

START_TEST(problem__a_field_adds_one_error_naming_it) {
  msg__problem_send(&req, 422, "sender_number", NULL, "sender_number is too long");
  cJSON *json = captured_json();
  const cJSON *errors = cJSON_GetObjectItemCaseSensitive(json, "errors");
  ck_assert(cJSON_IsArray(errors));
  ck_assert_int_eq(cJSON_GetArraySize(errors), 1);
  const cJSON *e = cJSON_GetArrayItem(errors, 0);
  ck_assert_str_eq(string_of(e, "field"), "sender_number");
  ck_assert_str_eq(string_of(e, "message"), "sender_number is too long");
  cJSON_Delete(json);
}
END_TEST

START_TEST(problem__detail_text_is_escaped_as_json) {
  msg__problem_send(&req, 400, NULL, NULL, "bad \"%s\"\n\\", "x");
  cJSON *json = captured_json();
  ck_assert_str_eq(string_of(json, "detail"), "bad \"x\"\n\\");
  cJSON_Delete(json);
}
END_TEST

START_TEST(problem__extra_headers_are_passed_on) {
  msg__problem_send(&req, 401, NULL, "WWW-Authenticate: Bearer\r\n", "a key is needed");
  ck_assert_str_eq(captured.extra_headers, "WWW-Authenticate: Bearer\r\n");
}
END_TEST

START_TEST(problem__store_invalid_and_conflict_are_422_naming_the_field) {
  msg_error err = store_error(MSG_ERR_INVALID, "limit", "limit must be at most 1000");
  msg__problem_from_store(&req, MSG_ERR_INVALID, &err);
  ck_assert_int_eq(captured.status, 422);
  cJSON *json = captured_json();
  ck_assert_str_eq(
      string_of(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(json, "errors"), 0), "field"),
      "limit");
  ck_assert_str_eq(string_of(json, "detail"), "limit must be at most 1000");
  cJSON_Delete(json);
  captured_request_free(&req);

  req = captured_request("req-43", NULL);
  err = store_error(MSG_ERR_CONFLICT, "idempotency_key", "the key was used for another message");
  msg__problem_from_store(&req, MSG_ERR_CONFLICT, &err);
  ck_assert_int_eq(captured.status, 422);
  json = captured_json();
  ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(json, "errors"));
  cJSON_Delete(json);
}
END_TEST

START_TEST(problem__store_invalid_without_a_field_has_no_errors) {
  msg_error err = store_error(MSG_ERR_INVALID, "", "the cursor is not valid");
  msg__problem_from_store(&req, MSG_ERR_INVALID, &err);
  ck_assert_int_eq(captured.status, 422);
  cJSON *json = captured_json();
  ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(json, "errors"));
  cJSON_Delete(json);
}
END_TEST

START_TEST(problem__store_not_found_is_404) {
  msg_error err = store_error(MSG_ERR_NOT_FOUND, "", "no such message");
  msg__problem_from_store(&req, MSG_ERR_NOT_FOUND, &err);
  ck_assert_int_eq(captured.status, 404);
  cJSON *json = captured_json();
  ck_assert_str_eq(string_of(json, "detail"), "no such message");
  cJSON_Delete(json);
}
END_TEST

START_TEST(problem__store_unavailable_is_503_with_retry_after_and_the_cause_in_the_log) {
  msg_error err = store_error(MSG_ERR_UNAVAILABLE, "", "connection to 127.0.0.1:5432 refused");
  msg__problem_from_store(&req, MSG_ERR_UNAVAILABLE, &err);
  ck_assert_int_eq(captured.status, 503);
  ck_assert_str_eq(captured.extra_headers, "Retry-After: 1\r\n");
  ck_assert_str_eq(req.cause, "connection to 127.0.0.1:5432 refused");
  ck_assert_ptr_null(strstr(captured.body, "5432"));
}
END_TEST

START_TEST(problem__store_internal_errors_are_500_without_the_cause) {
  static const int statuses[] = {MSG_ERR_NOMEM, MSG_ERR_INTERNAL, MSG_ERR_UNSUPPORTED};
  for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
    captured_request_free(&req);
    req = captured_request("req-44", NULL);
    msg_error err = store_error(statuses[i], "", "secret detail of the database");
    msg__problem_from_store(&req, statuses[i], &err);
    ck_assert_int_eq(captured.status, 500);
    ck_assert_str_eq(req.cause, "secret detail of the database");
    ck_assert_ptr_null(strstr(captured.body, "secret"));
    ck_assert_ptr_nonnull(strstr(captured.body, msg_status_str(statuses[i])));
  }
}
END_TEST

START_TEST(problem__a_request_gets_one_response) {
  msg__problem_send(&req, 400, NULL, NULL, "first");
  msg__problem_send(&req, 500, NULL, NULL, "second");
  ck_assert_int_eq(captured.status, 400);
  ck_assert_ptr_nonnull(strstr(captured.body, "first"));
}
END_TEST

Suite *problem_suite(void) {
  Suite *s = suite_create("problem");
  TCase *tc = tcase_create("problem");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, problem__titles_are_the_reason_phrases);
  tcase_add_test(tc, problem__unknown_statuses_get_their_class_title);
  tcase_add_test(tc, problem__renders_rfc9457_members_and_media_type);
  tcase_add_test(tc, problem__a_field_adds_one_error_naming_it);
  tcase_add_test(tc, problem__detail_text_is_escaped_as_json);
  tcase_add_test(tc, problem__extra_headers_are_passed_on);
  tcase_add_test(tc, problem__store_invalid_and_conflict_are_422_naming_the_field);
  tcase_add_test(tc, problem__store_invalid_without_a_field_has_no_errors);
  tcase_add_test(tc, problem__store_not_found_is_404);
  tcase_add_test(tc, problem__store_unavailable_is_503_with_retry_after_and_the_cause_in_the_log);
  tcase_add_test(tc, problem__store_internal_errors_are_500_without_the_cause);
  tcase_add_test(tc, problem__a_request_gets_one_response);
  suite_add_tcase(s, tc);
  return s;
}
