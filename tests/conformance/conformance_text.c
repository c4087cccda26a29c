/*
 * Conformance of the text query (msg_filter.q): terms split at anything that
 * is not a letter, mark or digit; each must be a whole word of the body;
 * matching ignores case (full folding) and compatibility forms (NFKC) and
 * nothing else; words compare on their first 64 characters; and the limits on
 * the query itself. Each case searches its own account so that the exact set
 * of messages found can be asserted.
 */
#include "conformance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A query and which bodies it must find: one character per body, '1' for
 * found, '0' for not. */
typedef struct text_case {
  const char *q;
  const char *finds;
} text_case;

static void assert_queries(const char *const *bodies, size_t body_count, const text_case *cases,
                           size_t case_count) {
  int64_t account = conf_account(1);
  conf_rows made = {0};
  for (size_t i = 0; i < body_count; i++) {
    msg_message *m = conf_create_simple(account, "123", "456", bodies[i]);
    conf_rows_push(&made, m);
    msg_message_free(m);
  }
  for (size_t c = 0; c < case_count; c++) {
    ck_assert_uint_eq(strlen(cases[c].finds), body_count);
    conf_rows want = {0}, got = {0};
    for (size_t i = 0; i < body_count; i++) {
      if (cases[c].finds[i] == '1')
        conf_rows_push(&want, &made.items[i]);
    }
    conf_rows_sort(&want);
    msg_filter f = MSG_FILTER_INIT;
    f.account_ids = &account;
    f.account_id_count = 1;
    f.q = cases[c].q;
    conf_walk(&got, conf_search_page, &f, 2, NULL);
    char where[256];
    snprintf(where, sizeof where, "%s: q '%s' should find %s", CONF_WHERE, cases[c].q,
             cases[c].finds);
    conf_assert_same_rows(where, &got, &want);
    conf_rows_free(&want);
    conf_rows_free(&got);
  }
  conf_rows_free(&made);
}

#define ASSERT_QUERIES(bodies, cases)                                                              \
  assert_queries(bodies, sizeof bodies / sizeof bodies[0], cases, sizeof cases / sizeof cases[0])

static void assert_q_refused(const char *q) {
  int64_t account = conf_account(1);
  msg_filter f = MSG_FILTER_INIT;
  f.account_ids = &account;
  f.account_id_count = 1;
  f.q = q;
  msg_page_request req = MSG_PAGE_REQUEST_INIT;
  msg_page *page = CONF_POISON;
  msg_error err;
  int rc = msg_message_search(&page, conf_store, &f, &req, &err);
  char where[256];
  snprintf(where, sizeof where, "%s: q '%.60s'", CONF_WHERE, q);
  conf_check_error(where, rc, &err, MSG_ERR_INVALID, "q");
  ck_assert_ptr_null(page);
}

START_TEST(text__ignores_case_with_full_folding) {
  static const char *const bodies[] = {
      "Die Straße ist lang", /* ß folds to ss */
      "STRASSENBAHN fährt",  /* a longer word, not "strasse" */
      "Ein Café am Markt",   /* precomposed é */
      "cafe ohne Akzent",    /* no accent: another word */
      "Οδυσσεύς ταξίδεψε",   /* final sigma folds like sigma */
      "Привет, мир!",        /* Cyrillic */
      "ǅemal and ΐ",         /* titlecase digraph; iota with two marks */
  };
  static const text_case cases[] = {
      {"STRASSE", "1000000"},  {"straße", "1000000"},       {"Strasse", "1000000"},
      {"STRAẞE", "1000000"},   {"strassenbahn", "0100000"}, {"FÄHRT", "0100000"},
      {"CAFÉ", "0010000"},     {"café", "0010000"},         {"cafe", "0001000"},
      {"ΟΔΥΣΣΕΎΣ", "0000100"}, {"οδυσσεύσ", "0000100"},     {"ΤΑΞΊΔΕΨΕ", "0000100"},
      {"ПРИВЕТ", "0000010"},   {"мИр", "0000010"},          {"DŽEMAL", "0000001"},
      {"džemal", "0000001"},
  };
  ASSERT_QUERIES(bodies, cases);
}
END_TEST

START_TEST(text__ignores_compatibility_forms) {
  static const char *const bodies[] = {
      "ＡＢＣ１２３ full width",                 /* full-width letters and digits */
      "abc123 half width",       "ﬁne ligature", /* U+FB01 LATIN SMALL LIGATURE FI */
      "cafe\xcc\x81 decomposed",                 /* e + COMBINING ACUTE ACCENT */
      "ｶﾀｶﾅ katakana",           "x² squared",   /* superscript two: NFKC gives 2 */
  };
  static const text_case cases[] = {
      {"abc123", "110000"}, {"ＡＢＣ１２３", "110000"}, {"ABC123", "110000"},
      {"FINE", "001000"},   {"ﬁne", "001000"},          {"café", "000100"},
      {"CAFÉ", "000100"},   {"カタカナ", "000010"},     {"x2", "000001"},
      {"WIDTH", "110000"},
  };
  ASSERT_QUERIES(bodies, cases);
}
END_TEST

START_TEST(text__finds_cjk_words) {
  static const char *const bodies[] = {
      "東京、大阪 と 京都",      /* ideographic comma and spaces split words */
      "東京タワー",              /* one word: no separator inside */
      "서울 부산", "北京。上海", /* ideographic full stop */
  };
  static const text_case cases[] = {
      {"大阪", "1000"},       {"東京", "1000"},      {"京都", "1000"}, {"京", "0000"},
      {"東京タワー", "0100"}, {"タワー", "0000"},    {"부산", "0010"}, {"上海", "0001"},
      {"東京 京都", "1000"},  {"北京 東京", "0000"},
  };
  ASSERT_QUERIES(bodies, cases);
}
END_TEST

START_TEST(text__every_term_must_occur) {
  static const char *const bodies[] = {"alpha beta gamma", "alpha beta", "alpha", "beta gamma",
                                       "gamma"};
  static const text_case cases[] = {
      {"alpha", "11100"},
      {"alpha beta", "11000"},
      {"gamma alpha", "10000"},
      {"alpha delta", "00000"},
      {"beta beta", "11010"},
      {"GAMMA, beta!", "10010"},
      {"alpha beta gamma", "10000"},
  };
  ASSERT_QUERIES(bodies, cases);
}
END_TEST

START_TEST(text__matches_whole_words_only) {
  static const char *const bodies[] = {"cathedral", "the cat sat", "cats", "concat", "CAT"};
  static const text_case cases[] = {
      {"cat", "01001"},       {"cats", "00100"},   {"ca", "00000"},  {"at", "00000"},
      {"cathedral", "10000"}, {"concat", "00010"}, {"the", "01000"},
  };
  ASSERT_QUERIES(bodies, cases);
}
END_TEST

START_TEST(text__punctuation_and_symbols_split_words) {
  static const char *const bodies[] = {
      "hello,world",      "e-mail me",      "path/to/file.txt", "it's",
      "user@example.com", "tab\tsep\nline", "under_score",      "a+b=c",
      "$100 price",       "smile😀face",
  };
  static const text_case cases[] = {
      {"world", "1000000000"},       {"hello", "1000000000"},       {"mail", "0100000000"},
      {"e", "0100000000"},           {"file", "0010000000"},        {"txt", "0010000000"},
      {"file.txt", "0010000000"},    {"s", "0001000000"},           {"it", "0001000000"},
      {"example", "0000100000"},     {"sep", "0000010000"},         {"line", "0000010000"},
      {"score", "0000001000"},       {"under", "0000001000"},       {"b", "0000000100"},
      {"100", "0000000010"},         {"smile", "0000000001"},       {"face", "0000000001"},
      {"hello-world", "1000000000"}, {"world/hello", "1000000000"},
  };
  ASSERT_QUERIES(bodies, cases);
}
END_TEST

START_TEST(text__digits_are_word_characters) {
  static const char *const bodies[] = {"order 12345 shipped", "v2 release", "٣ arabic digit"};
  static const text_case cases[] = {
      {"12345", "100"}, {"1234", "000"}, {"v2", "010"}, {"2", "000"}, {"v", "000"}, {"٣", "001"},
  };
  ASSERT_QUERIES(bodies, cases);
}
END_TEST

START_TEST(text__compares_words_on_their_first_64_characters) {
  char a63[64], a64[65], a64x[68], a64y[68], body[96];
  memset(a63, 'a', 63);
  a63[63] = '\0';
  memset(a64, 'a', 64);
  a64[64] = '\0';
  snprintf(a64x, sizeof a64x, "%sxyz", a64);
  snprintf(a64y, sizeof a64y, "%sQRS", a64);
  snprintf(body, sizeof body, "%s end", a64x);
  const char *bodies[] = {body, a63};
  const text_case cases[] = {
      {a64x, "10"}, {a64y, "10"}, {a64, "10"}, {a63, "01"}, {"end", "10"},
  };
  ASSERT_QUERIES(bodies, cases);
}
END_TEST

START_TEST(text__messages_without_words_never_match) {
  static const char *const bodies[] = {NULL, "", "   ", "...!?", "x"};
  static const text_case cases[] = {{"x", "00001"}, {"X", "00001"}};
  ASSERT_QUERIES(bodies, cases);
}
END_TEST

START_TEST(text__refuses_a_query_without_terms) {
  static const char *const empty[] = {"", " ", "!!!", "\t\n", "— …", "-_-", "😀"};
  for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++)
    assert_q_refused(empty[i]);
}
END_TEST

START_TEST(text__accepts_32_terms_and_refuses_33) {
  char q[33 * 4 + 1] = "";
  char words[33 * 4 + 1] = "";
  for (int i = 0; i < 33; i++) {
    char term[8];
    snprintf(term, sizeof term, "w%02d ", i);
    strcat(q, term);
    if (i < 32)
      strcat(words, term);
  }
  const char *bodies[] = {words};
  const text_case ok[] = {{words, "1"}};
  ASSERT_QUERIES(bodies, ok);
  assert_q_refused(q);
}
END_TEST

START_TEST(text__accepts_1000_bytes_and_refuses_1001) {
  char q[MSG_QUERY_MAX_BYTES + 2];
  memset(q, 'b', sizeof q - 1);
  q[MSG_QUERY_MAX_BYTES] = '\0';
  q[0] = 'a';
  q[1] = ' ';
  const char *bodies[] = {"a single word", "b"};
  const text_case ok[] = {{q, "00"}};
  ASSERT_QUERIES(bodies, ok);
  q[MSG_QUERY_MAX_BYTES] = 'b';
  q[MSG_QUERY_MAX_BYTES + 1] = '\0';
  assert_q_refused(q);
}
END_TEST

START_TEST(text__refuses_a_query_that_is_not_utf8) {
  assert_q_refused("caf\xe9");
  assert_q_refused("\xff");
  assert_q_refused("ok \xed\xa0\x80");
}
END_TEST

Suite *conformance_text_suite(void) {
  Suite *s = suite_create("text");
  TCase *tc = conf_tcase("text", 60);
  tcase_add_test(tc, text__ignores_case_with_full_folding);
  tcase_add_test(tc, text__ignores_compatibility_forms);
  tcase_add_test(tc, text__finds_cjk_words);
  tcase_add_test(tc, text__every_term_must_occur);
  tcase_add_test(tc, text__matches_whole_words_only);
  tcase_add_test(tc, text__punctuation_and_symbols_split_words);
  tcase_add_test(tc, text__digits_are_word_characters);
  tcase_add_test(tc, text__compares_words_on_their_first_64_characters);
  tcase_add_test(tc, text__messages_without_words_never_match);
  tcase_add_test(tc, text__refuses_a_query_without_terms);
  tcase_add_test(tc, text__accepts_32_terms_and_refuses_33);
  tcase_add_test(tc, text__accepts_1000_bytes_and_refuses_1001);
  tcase_add_test(tc, text__refuses_a_query_that_is_not_utf8);
  suite_add_tcase(s, tc);
  return s;
}
