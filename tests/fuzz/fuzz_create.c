/*
 * The create body: fuzz input is a POST body. It goes through the server's
 * strict JSON parser and member readers as the v1 and compatibility create
 * handlers use them, and a message they accept is created in an in-memory
 * store, read back and printed as the server would answer it.
 *
 * Invariants beyond "no crash": an accepted body is UTF-8 and an object
 * without repeated member names anywhere, all of whose strings are UTF-8; a
 * refusal has a status and detail; the readers agree with the tree; a create
 * fails only for invalid input naming a field, and a created message reads
 * back equal to what was sent; the response JSON parses back strictly.
 */
#include "fuzz.h"

#include "json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

/* Creates accumulate in the store; a fresh one after this many keeps the
 * cost of an input from growing over a long run. */
#define CREATES_PER_STORE 4096

static msg_store *store;
static unsigned creates;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  msg__json_init();
  return 0;
}

static msg_store *create_store(void) {
  if (store && creates >= CREATES_PER_STORE) {
    msg_store_close(store);
    store = NULL;
  }
  if (!store) {
    msg_error err;
    FUZZ_CHECK(msg_store_open(&store, "sqlite::memory:", NULL, &err) == MSG_OK);
    creates = 0;
  }
  creates++;
  return store;
}

static int streq_or_null(const char *a, const char *b) {
  return a == b || (a && b && strcmp(a, b) == 0);
}

/* Every string and member name in `item` is UTF-8 and no object repeats a
 * member name (quadratic, but fuzz inputs are a few kilobytes). */
static void check_tree(const cJSON *item) {
  if (item->string)
    FUZZ_CHECK(u8_check((const uint8_t *)item->string, strlen(item->string)) == NULL);
  if (cJSON_IsString(item))
    FUZZ_CHECK(u8_check((const uint8_t *)item->valuestring, strlen(item->valuestring)) == NULL);
  for (const cJSON *c = item->child; c; c = c->next) {
    if (cJSON_IsObject(item)) {
      for (const cJSON *d = c->next; d; d = d->next)
        FUZZ_CHECK(strcmp(c->string, d->string) != 0);
    }
    check_tree(c);
  }
}

/* The response body of a created message parses back, strictly, to the
 * same values. */
static void check_response(const msg_message *m) {
  cJSON *json = msg__json_message(m);
  FUZZ_CHECK(json != NULL);
  char *text = cJSON_PrintUnformatted(json);
  FUZZ_CHECK(text != NULL);
  cJSON_Delete(json);
  json_parse_error perr;
  cJSON *back = msg__json_parse_request(text, strlen(text), &perr);
  FUZZ_CHECK(back != NULL);
  free(text);
  const char *id, *sender, *receiver, *body;
  int64_t account;
  int present;
  FUZZ_CHECK(msg__json_get_string(back, "message_id", 0, &id) == 0 && id &&
             strcmp(id, m->message_id) == 0);
  FUZZ_CHECK(msg__json_get_integer(back, "account_id", &account, &present) == 0 && present &&
             account == m->account_id);
  FUZZ_CHECK(msg__json_get_string(back, "sender_number", 0, &sender) == 0 &&
             streq_or_null(sender, m->sender_number));
  FUZZ_CHECK(msg__json_get_string(back, "receiver_number", 0, &receiver) == 0 &&
             streq_or_null(receiver, m->receiver_number));
  FUZZ_CHECK(msg__json_get_string(back, "body", 1, &body) == 0 && streq_or_null(body, m->body));
  cJSON_Delete(back);
}

/* Creates `in`; a success must read back equal, a failure must be the
 * caller's fault and name the field. */
static void create(const msg_new_message *in) {
  msg_message *m;
  msg_error err;
  int rc = msg_message_create(&m, NULL, create_store(), in, &err);
  if (rc != MSG_OK) {
    FUZZ_CHECK(m == NULL);
    FUZZ_CHECK(rc == MSG_ERR_INVALID);
    FUZZ_CHECK(strcmp(err.field, "account_id") == 0 || strcmp(err.field, "sender_number") == 0 ||
               strcmp(err.field, "receiver_number") == 0 || strcmp(err.field, "body") == 0);
    return;
  }
  FUZZ_CHECK(m->account_id == in->account_id);
  FUZZ_CHECK(strcmp(m->sender_number, in->sender_number) == 0);
  FUZZ_CHECK(strcmp(m->receiver_number, in->receiver_number) == 0);
  FUZZ_CHECK(streq_or_null(m->body, in->body));
  msg_message *got;
  FUZZ_CHECK(msg_message_get(&got, store, m->message_id, &err) == MSG_OK);
  FUZZ_CHECK(strcmp(got->message_id, m->message_id) == 0);
  FUZZ_CHECK(got->account_id == m->account_id && got->created_at == m->created_at);
  FUZZ_CHECK(strcmp(got->sender_number, m->sender_number) == 0);
  FUZZ_CHECK(strcmp(got->receiver_number, m->receiver_number) == 0);
  FUZZ_CHECK(streq_or_null(got->body, m->body));
  check_response(got);
  msg_message_free(got);
  msg_message_free(m);
}

/* POST /v1/accounts/{account_id}/messages: known members only, typed. */
static void v1_create(const cJSON *body) {
  static const char *const members[] = {"sender_number", "receiver_number", "body", NULL};
  const char *unknown = msg__json_unknown_member(body, members);
  if (unknown) {
    FUZZ_CHECK(cJSON_GetObjectItemCaseSensitive(body, unknown) != NULL);
    for (const char *const *m = members; *m; m++)
      FUZZ_CHECK(strcmp(unknown, *m) != 0);
    return;
  }
  for (const cJSON *c = body->child; c; c = c->next) {
    int known = 0;
    for (const char *const *m = members; *m; m++)
      known |= strcmp(c->string, *m) == 0;
    FUZZ_CHECK(known);
  }
  msg_new_message in = {.account_id = FUZZ_ACCOUNT_A};
  if (msg__json_get_string(body, "sender_number", 0, &in.sender_number) != 0 ||
      msg__json_get_string(body, "receiver_number", 0, &in.receiver_number) != 0 ||
      msg__json_get_string(body, "body", 1, &in.body) != 0)
    return;
  create(&in);
}

/* Is `d` an integer that int64_t holds? (2^63 is exact as a double.) */
static int is_int64(double d) {
  return isfinite(d) && floor(d) == d && d >= -9223372036854775808.0 && d < 9223372036854775808.0;
}

/* POST /v1/create: the account in the body, unknown members ignored. */
static void compat_create(const cJSON *body) {
  int64_t account_id;
  int present;
  if (msg__json_get_integer(body, "account_id", &account_id, &present) != 0) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, "account_id");
    FUZZ_CHECK(v != NULL);
    FUZZ_CHECK(!cJSON_IsNumber(v) || !is_int64(v->valuedouble));
    return;
  }
  if (!present)
    return; /* the v1 create already covered a body without an account */
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, "account_id");
  FUZZ_CHECK(cJSON_IsNumber(v) && is_int64(v->valuedouble) && (double)account_id == v->valuedouble);
  msg_new_message in = {.account_id = account_id};
  if (msg__json_get_string(body, "sender_number", 0, &in.sender_number) != 0 ||
      msg__json_get_string(body, "receiver_number", 0, &in.receiver_number) != 0 ||
      msg__json_get_string(body, "body", 1, &in.body) != 0)
    return;
  create(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_parse_error perr = {0};
  cJSON *body = msg__json_parse_request((const char *)data, size, &perr);
  if (!body) {
    FUZZ_CHECK(perr.detail != NULL);
    FUZZ_CHECK(perr.status == 400 || perr.status == 422);
    FUZZ_CHECK(perr.status != 422 || strcmp(perr.detail, "strings must not contain U+0000") == 0);
    FUZZ_CHECK(perr.field == NULL ||
               u8_check((const uint8_t *)perr.field, strlen(perr.field)) == NULL);
    free(perr.field);
    return 0;
  }
  FUZZ_CHECK(u8_check(data, size) == NULL);
  FUZZ_CHECK(cJSON_IsObject(body));
  check_tree(body);
  v1_create(body);
  compat_create(body);
  cJSON_Delete(body);
  return 0;
}
