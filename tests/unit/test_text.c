/*
 * text.c: the words of a body and the terms of a query: case folding,
 * NFKC, word boundaries by Unicode category, the 64-code-point cut, and the
 * query limits.
 */
#include "unit.h"

#include "alloc.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void assert_words(const char *text, const char *want) {
  char *words = NULL;
  msg_error err = {0};
  assert_ok(msg__text_words(&words, text, &err), err);
  ck_assert_msg(strcmp(words, want) == 0, "words of '%s': '%s', want '%s'", text, words, want);
  msg__free(words);
}

/* Checks the terms of `q` against the NULL-terminated list `want`. */
static void assert_terms(const char *q, const char *const *want) {
  msg__terms terms;
  msg_error err = {0};
  assert_ok(msg__text_terms(&terms, q, &err), err);
  size_t n = 0;
  while (want[n])
    n++;
  ck_assert_uint_eq(terms.count, n);
  for (size_t i = 0; i < n; i++)
    ck_assert_str_eq(terms.items[i], want[i]);
  msg__text_terms_free(&terms);
}

static char *repeat(const char *unit, size_t n) {
  size_t len = strlen(unit);
  char *s = malloc(len * n + 1);
  ck_assert_ptr_nonnull(s);
  for (size_t i = 0; i < n; i++)
    memcpy(s + i * len, unit, len);
  s[len * n] = '\0';
  return s;
}

START_TEST(words__fold_case_fully) {
  assert_words("Hello WORLD", "hello world");
  assert_words("Stra\xC3\x9F"
               "e",
               "strasse");
  assert_words("STRASSE", "strasse");
  assert_words("\xCE\xA3\xCE\x97\xCE\x9C\xCE\x91", "\xCF\x83\xCE\xB7\xCE\xBC\xCE\xB1"); /* ΣΗΜΑ */
}
END_TEST

START_TEST(words__apply_nfkc) {
  assert_words("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", "abc"); /* full-width ＡＢＣ */
  assert_words("\xEF\xAC\x81"
               "le",
               "file"); /* ﬁ ligature */
  assert_words("caf"
               "e\xCC\x81",
               "caf\xC3\xA9");       /* e + combining acute */
  assert_words("\xE2\x91\xA0", "1"); /* circled digit one */
}
END_TEST

START_TEST(words__keep_cjk_marks_and_digits_inside_words) {
  assert_words("\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x82\xBF\xE3\x83\xAF\xE3\x83\xBC",
               "\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x82\xBF\xE3\x83\xAF\xE3\x83\xBC"); /* 東京タワー */
  /* हिन्दी: the vowel signs and virama are marks (M), so one word. */
  assert_words("\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4\xA6\xE0\xA5\x80",
               "\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4\xA6\xE0\xA5\x80");
  assert_words("abc123 x2", "abc123 x2");
}
END_TEST

START_TEST(words__split_at_punctuation_symbols_and_emoji) {
  assert_words("hello,world-foo_bar", "hello world foo bar");
  assert_words("3.14", "3 14");
  assert_words("hi \xF0\x9F\x98\x80there", "hi there");
  assert_words("  many   spaces\t\nand\xC2\xA0nbsp ", "many spaces and nbsp");
  assert_words("it's", "it s");
}
END_TEST

START_TEST(words__of_text_without_words_is_empty) {
  assert_words("", "");
  assert_words("!!! ... \xF0\x9F\x98\x80", "");
}
END_TEST

START_TEST(words__are_cut_to_64_code_points) {
  char *long_ascii = repeat("a", 70);
  char *want_ascii = repeat("a", MSG_TEXT_WORD_MAX_CHARS);
  assert_words(long_ascii, want_ascii);
  char *long_accented = repeat("\xC3\xA9", 70);
  char *want_accented = repeat("\xC3\xA9", MSG_TEXT_WORD_MAX_CHARS);
  assert_words(long_accented, want_accented);
  char *exact = repeat("b", MSG_TEXT_WORD_MAX_CHARS);
  assert_words(exact, exact);
  free(long_ascii);
  free(want_ascii);
  free(long_accented);
  free(want_accented);
  free(exact);
}
END_TEST

START_TEST(words__keep_duplicates_in_order) {
  assert_words("b a B", "b a b");
}
END_TEST

/* The ASCII shortcut against libunistring alone: every ASCII byte on its
 * own and between letters, random ASCII text with long words, and random
 * mixes with characters that fold, decompose or compose across a cut
 * (marks after a letter or a separator, "<" with U+0338, ß, Kelvin sign,
 * full-width letters, a ligature, final sigma, CJK), give the same words
 * both ways. */
static void assert_same_both_ways(const char *text) {
  char *fast = NULL, *unicode = NULL;
  msg_error err = {0};
  assert_ok(msg__text_words(&fast, text, &err), err);
  assert_ok(msg__text_words_unicode(&unicode, text, &err), err);
  ck_assert_msg(strcmp(fast, unicode) == 0, "words of '%s': '%s', libunistring: '%s'", text, fast,
                unicode);
  msg__free(fast);
  msg__free(unicode);
}

START_TEST(words__with_the_ascii_shortcut_match_libunistring_alone) {
  char text[8];
  for (int c = 1; c < 0x80; c++) {
    snprintf(text, sizeof text, "A%cb%c", c, c);
    assert_same_both_ways(text);
    snprintf(text, sizeof text, "%c", c);
    assert_same_both_ways(text);
  }
  unsigned int seed = 12345;
  char random[400];
  for (int round = 0; round < 500; round++) {
    size_t len = (size_t)(rand_r(&seed) % (sizeof random - 1));
    for (size_t i = 0; i < len; i++) {
      /* Mostly letters and digits so that words run past the 64 cut. */
      int r = rand_r(&seed) % 100;
      random[i] = (char)(r < 90 ? "aZ0qQ9xX"[r % 8] : 1 + rand_r(&seed) % 0x7f);
    }
    random[len] = '\0';
    assert_same_both_ways(random);
  }
  static const char *const pieces[] = {"a",
                                       "Z",
                                       "7",
                                       " ",
                                       ".",
                                       "<",
                                       "=",
                                       "-",
                                       "_",
                                       "\xCC\xB8" /* U+0338 */,
                                       "\xCC\x81" /* U+0301 */,
                                       "\xC3\x9F" /* ß */,
                                       "\xE2\x84\xAA" /* Kelvin */,
                                       "\xEF\xBC\xA1" /* full-width A */,
                                       "\xEF\xAC\x83" /* ffi */,
                                       "\xCE\xA3" /* Σ */,
                                       "\xCF\x82" /* ς */,
                                       "\xE4\xB8\xAD" /* 中 */,
                                       "\xC3\xA9",
                                       "\xF0\x9F\x98\x80" /* 😀 */,
                                       "\xE2\x80\xAF" /* narrow no-break space */,
                                       "\xC2\xB2" /* ² */};
  for (int round = 0; round < 3000; round++) {
    size_t used = 0, count = (size_t)(rand_r(&seed) % 24);
    for (size_t i = 0; i < count; i++) {
      const char *piece = pieces[rand_r(&seed) % (sizeof pieces / sizeof pieces[0])];
      size_t n = strlen(piece);
      memcpy(random + used, piece, n);
      used += n;
    }
    random[used] = '\0';
    assert_same_both_ways(random);
  }
}
END_TEST

START_TEST(terms__are_sorted_and_deduplicated) {
  const char *want[] = {"a", "b", NULL};
  assert_terms("b a B A", want);
}
END_TEST

START_TEST(terms__match_the_words_of_bodies) {
  const char *want[] = {"strasse", NULL};
  assert_terms("STRA\xE1\xBA\x9E"
               "E",
               want); /* capital sharp s */
  const char *fullwidth[] = {"abc", NULL};
  assert_terms("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", fullwidth);
}
END_TEST

START_TEST(terms__reject_query_without_words) {
  msg__terms terms;
  msg_error err;
  assert_invalid(msg__text_terms(&terms, "", &err), err, "q");
  msg__text_terms_free(&terms);
  assert_invalid(msg__text_terms(&terms, " -- ?! ", &err), err, "q");
  msg__text_terms_free(&terms);
}
END_TEST

START_TEST(terms__accept_32_and_reject_33_words) {
  char q[33 * 4 + 1] = "";
  for (int i = 0; i < 33; i++) {
    char word[8];
    snprintf(word, sizeof word, "w%d ", i);
    strcat(q, word);
  }
  msg__terms terms;
  msg_error err;
  assert_invalid(msg__text_terms(&terms, q, &err), err, "q");
  msg__text_terms_free(&terms);
  *strrchr(q, 'w') = '\0';
  assert_ok(msg__text_terms(&terms, q, &err), err);
  ck_assert_uint_eq(terms.count, MSG_QUERY_MAX_TERMS);
  msg__text_terms_free(&terms);
}
END_TEST

START_TEST(terms__accept_1000_and_reject_1001_bytes) {
  char *q = repeat("a", MSG_QUERY_MAX_BYTES + 1);
  msg__terms terms;
  msg_error err;
  assert_invalid(msg__text_terms(&terms, q, &err), err, "q");
  msg__text_terms_free(&terms);
  q[MSG_QUERY_MAX_BYTES] = '\0';
  assert_ok(msg__text_terms(&terms, q, &err), err);
  ck_assert_uint_eq(terms.count, 1);
  msg__text_terms_free(&terms);
  free(q);
}
END_TEST

START_TEST(terms__reject_invalid_utf8) {
  msg__terms terms;
  msg_error err;
  assert_invalid(msg__text_terms(&terms, "ok \xC3", &err), err, "q");
  msg__text_terms_free(&terms);
}
END_TEST

Suite *text_suite(void) {
  Suite *s = suite_create("text");
  TCase *tc = unit_tcase("text");
  tcase_add_test(tc, words__fold_case_fully);
  tcase_add_test(tc, words__apply_nfkc);
  tcase_add_test(tc, words__keep_cjk_marks_and_digits_inside_words);
  tcase_add_test(tc, words__split_at_punctuation_symbols_and_emoji);
  tcase_add_test(tc, words__of_text_without_words_is_empty);
  tcase_add_test(tc, words__are_cut_to_64_code_points);
  tcase_add_test(tc, words__keep_duplicates_in_order);
  tcase_add_test(tc, words__with_the_ascii_shortcut_match_libunistring_alone);
  tcase_add_test(tc, terms__are_sorted_and_deduplicated);
  tcase_add_test(tc, terms__match_the_words_of_bodies);
  tcase_add_test(tc, terms__reject_query_without_words);
  tcase_add_test(tc, terms__accept_32_and_reject_33_words);
  tcase_add_test(tc, terms__accept_1000_and_reject_1001_bytes);
  tcase_add_test(tc, terms__reject_invalid_utf8);
  suite_add_tcase(s, tc);
  return s;
}
