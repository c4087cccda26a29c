/*
 * The API keys file parser and lookup (server/apikeys.c): the accepted
 * forms, every refusal with its line number, and lookups by token.
 */
#include "server_unit.h"

#include "apikeys.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char hash_a[80], hash_b[80];

static void hex_line(const char *token, char *out) {
  unsigned char h[APIKEY_HASH_LEN];
  ck_assert_int_eq(msg__apikeys_hash(token, strlen(token), h), 0);
  int used = sprintf(out, "sha256:");
  for (int i = 0; i < APIKEY_HASH_LEN; i++)
    used += sprintf(out + used, "%02x", h[i]);
}

static void setup(void) {
  hex_line("token-a", hash_a);
  hex_line("token-b", hash_b);
}

static apikeys *parse_ok(const char *text) {
  apikeys *keys = NULL;
  apikeys_error err;
  int rc = msg__apikeys_parse(text, strlen(text), &keys, &err);
  ck_assert_msg(rc == 0, "refused (%zu: %s): %s", err.line, err.message, text);
  return keys;
}

static void parse_bad(const char *text, size_t len, size_t line, const char *why) {
  apikeys *keys = (apikeys *)1;
  apikeys_error err;
  ck_assert_int_eq(msg__apikeys_parse(text, len, &keys, &err), -1);
  ck_assert_ptr_null(keys);
  ck_assert_uint_eq(err.line, line);
  ck_assert_msg(strstr(err.message, why), "'%s' lacks '%s'", err.message, why);
}

START_TEST(hash_matches_sha256) {
  unsigned char h[APIKEY_HASH_LEN];
  ck_assert_int_eq(msg__apikeys_hash("abc", 3, h), 0);
  /* FIPS 180-2's example: SHA-256("abc"). */
  static const unsigned char want[] = {
      0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
      0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
  ck_assert_mem_eq(h, want, sizeof want);
}
END_TEST

START_TEST(accepts_comments_blanks_tabs_crlf_and_labels) {
  char text[512];
  snprintf(text, sizeof text, "# keys\n\n   \n%s 42 billing-v2\r\n\t%s\t*\t# not a label\n", hash_a,
           hash_b);
  apikeys_error err;
  apikeys *keys = NULL;
  /* "#" is not a label character, so that line is refused... */
  ck_assert_int_eq(msg__apikeys_parse(text, strlen(text), &keys, &err), -1);
  ck_assert_uint_eq(err.line, 5);
  /* ...and without it the file parses. */
  snprintf(text, sizeof text, "# keys\n\n   \n%s 42 billing-v2\r\n\t%s\t*\n%s", hash_a, hash_b,
           "# last line without a newline");
  keys = parse_ok(text);
  ck_assert_uint_eq(keys->count, 2);
  ck_assert_int_eq(keys->items[0].any_account, 0);
  ck_assert_int_eq(keys->items[0].account_id, 42);
  ck_assert_str_eq(keys->items[0].label, "billing-v2");
  ck_assert_int_eq(keys->items[1].any_account, 1);
  ck_assert_str_eq(keys->items[1].label, "");
  msg__apikeys_free(keys);
}
END_TEST

START_TEST(finds_keys_by_token_only) {
  char text[256];
  snprintf(text, sizeof text, "%s 7 a\n%s * b\n", hash_a, hash_b);
  apikeys *keys = parse_ok(text);
  const apikey *a = msg__apikeys_find(keys, "token-a", 7);
  const apikey *b = msg__apikeys_find(keys, "token-b", 7);
  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_nonnull(b);
  ck_assert_str_eq(a->label, "a");
  ck_assert_int_eq(b->any_account, 1);
  ck_assert_ptr_null(msg__apikeys_find(keys, "token-c", 7));
  ck_assert_ptr_null(msg__apikeys_find(keys, "token-", 6));
  ck_assert_ptr_null(msg__apikeys_find(keys, "", 0));
  /* The hash itself is not a token. */
  ck_assert_ptr_null(msg__apikeys_find(keys, hash_a, strlen(hash_a)));
  ck_assert_ptr_null(msg__apikeys_find(NULL, "token-a", 7));
  msg__apikeys_free(keys);
}
END_TEST

START_TEST(uppercase_hex_is_the_same_hash) {
  char text[128];
  snprintf(text, sizeof text, "%s 1\n", hash_a);
  for (char *c = text + 7; *c != ' '; c++)
    if (*c >= 'a' && *c <= 'f')
      *c = (char)(*c - 'a' + 'A');
  apikeys *keys = parse_ok(text);
  ck_assert_ptr_nonnull(msg__apikeys_find(keys, "token-a", 7));
  msg__apikeys_free(keys);
}
END_TEST

START_TEST(empty_file_has_no_keys) {
  apikeys *keys = parse_ok("");
  ck_assert_uint_eq(keys->count, 0);
  ck_assert_ptr_null(msg__apikeys_find(keys, "token-a", 7));
  msg__apikeys_free(keys);
}
END_TEST

START_TEST(refuses_each_malformed_line) {
  char text[512];
  parse_bad("sha256:abc 1\n", 13, 1, "sha256");
  parse_bad("0ab5 1\n", 7, 1, "sha256");
  snprintf(text, sizeof text, "%s\n", hash_a);
  parse_bad(text, strlen(text), 1, "account id");
  const char *accounts[] = {"0", "-1", "+1", "01", "1.5", "x", "9007199254740992", "**",
                            "99999999999999999999"};
  for (size_t i = 0; i < sizeof accounts / sizeof *accounts; i++) {
    snprintf(text, sizeof text, "# c\n%s %s\n", hash_a, accounts[i]);
    parse_bad(text, strlen(text), 2, "account id");
  }
  snprintf(text, sizeof text, "%s 9007199254740991\n", hash_a);
  msg__apikeys_free(parse_ok(text));
  snprintf(text, sizeof text, "%s 1 bad!label\n", hash_a);
  parse_bad(text, strlen(text), 1, "label");
  snprintf(text, sizeof text, "%s 1 %065d\n", hash_a, 0);
  parse_bad(text, strlen(text), 1, "longer");
  snprintf(text, sizeof text, "%s 1 %064d\n", hash_a, 0);
  msg__apikeys_free(parse_ok(text));
  snprintf(text, sizeof text, "%s 1 a b\n", hash_a);
  parse_bad(text, strlen(text), 1, "after the label");
  snprintf(text, sizeof text, "%s 1\n%s 2\n", hash_a, hash_a);
  parse_bad(text, strlen(text), 2, "earlier line");
  snprintf(text, sizeof text, "%s 1\r\r\n", hash_a);
  parse_bad(text, strlen(text), 1, "carriage return");
  snprintf(text, sizeof text, "%s 1\n", hash_a);
  text[3] = '\0';
  parse_bad(text, strlen(hash_a) + 3, 0, "NUL");
}
END_TEST

START_TEST(load_reads_files_and_reports_missing_ones) {
  char path[] = "/tmp/msg-apikeys-XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  FILE *f = fdopen(fd, "w");
  fprintf(f, "%s 5 from-file\n", hash_b);
  fclose(f);
  apikeys *keys = NULL;
  apikeys_error err;
  ck_assert_int_eq(msg__apikeys_load(path, &keys, &err), 0);
  ck_assert_uint_eq(keys->count, 1);
  ck_assert_ptr_nonnull(msg__apikeys_find(keys, "token-b", 7));
  msg__apikeys_free(keys);
  unlink(path);
  ck_assert_int_eq(msg__apikeys_load(path, &keys, &err), -1);
  ck_assert_uint_eq(err.line, 0);
  ck_assert_ptr_nonnull(strstr(err.message, "cannot open"));
}
END_TEST

Suite *apikeys_suite(void) {
  Suite *s = suite_create("apikeys");
  TCase *tc = tcase_create("apikeys");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_add_test(tc, hash_matches_sha256);
  tcase_add_test(tc, accepts_comments_blanks_tabs_crlf_and_labels);
  tcase_add_test(tc, finds_keys_by_token_only);
  tcase_add_test(tc, uppercase_hex_is_the_same_hash);
  tcase_add_test(tc, empty_file_has_no_keys);
  tcase_add_test(tc, refuses_each_malformed_line);
  tcase_add_test(tc, load_reads_files_and_reports_missing_ones);
  suite_add_tcase(s, tc);
  return s;
}
